import { describe, expect, it } from 'vitest';
import { toGuardError } from '../../functions/adapters/aws-error.js';
import { GuardError, type GuardErrorCode } from '../../functions/app/guard-error.js';

/** An SDK v3 service exception as the SDK builds it: name, message, HTTP status and (when parsed) `$fault`. */
const sdkError = (name: string, status?: number, fault: 'client' | 'server' | null = 'client') =>
  Object.assign(new Error(`${name} says no`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...(fault === null ? {} : { $fault: fault }),
  });

const CASES: readonly { name: string; error: unknown; code: GuardErrorCode; retryable: boolean }[] = [
  // Throttling by name, whatever the status.
  ...['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ThrottledException'].map(
    (name) => ({ name, error: sdkError(name, 400), code: 'THROTTLED' as const, retryable: true }),
  ),
  // Named permanent service errors.
  ...(
    [
      ['RepositoryNotFoundException', 'REPOSITORY_NOT_FOUND'],
      ['ImageNotFoundException', 'IMAGE_NOT_FOUND'],
      ['AccessDeniedException', 'ACCESS_DENIED'],
      ['AuthorizationError', 'ACCESS_DENIED'],
      ['AuthorizationErrorException', 'ACCESS_DENIED'],
      ['UnrecognizedClientException', 'ACCESS_DENIED'],
      ['InvalidClientTokenId', 'ACCESS_DENIED'],
      ['NotFound', 'REPOSITORY_NOT_FOUND'],
      ['NotFoundException', 'REPOSITORY_NOT_FOUND'],
      ['KmsException', 'KMS'],
      ['KMSAccessDeniedException', 'KMS'],
      ['KMSDisabledException', 'KMS'],
      ['LimitExceededException', 'LIMIT_EXCEEDED'],
      ['InvalidParameterException', 'INVALID_REQUEST'],
      ['InvalidParameter', 'INVALID_REQUEST'],
      ['InvalidParameterValue', 'INVALID_REQUEST'],
      ['ValidationException', 'INVALID_REQUEST'],
    ] as const
  ).map(([name, code]) => ({ name, error: sdkError(name, 400), code, retryable: false })),
  // Timeouts and aborts.
  { name: 'TimeoutError', error: sdkError('TimeoutError', undefined, null), code: 'TIMEOUT', retryable: true },
  { name: 'AbortError', error: sdkError('AbortError', undefined, null), code: 'TIMEOUT', retryable: true },
  // By status when the name is not one the guard knows.
  { name: 'bare 403', error: sdkError('Forbidden', 403), code: 'ACCESS_DENIED', retryable: false },
  { name: 'bare 400', error: sdkError('Weird', 400), code: 'INVALID_REQUEST', retryable: false },
  { name: 'bare 404', error: sdkError('Weird', 404), code: 'INVALID_REQUEST', retryable: false },
  { name: 'bare 499', error: sdkError('Weird', 499), code: 'INVALID_REQUEST', retryable: false },
  { name: 'bare 429', error: sdkError('Weird', 429), code: 'THROTTLED', retryable: true },
  { name: 'bare 500', error: sdkError('InternalFailure', 500, 'server'), code: 'UNAVAILABLE', retryable: true },
  { name: 'bare 503', error: sdkError('ServiceUnavailable', 503, 'server'), code: 'UNAVAILABLE', retryable: true },
  { name: 'bare 399 (not a 4xx)', error: sdkError('Weird', 399), code: 'UNAVAILABLE', retryable: true },
  // A 4xx whose body could not be read (no $fault): it may have been throttling, so retry.
  { name: 'unread 403', error: sdkError('Forbidden', 403, null), code: 'UNAVAILABLE', retryable: true },
  { name: 'unread 400', error: sdkError('SyntaxError', 400, null), code: 'UNAVAILABLE', retryable: true },
  { name: 'unread 429', error: sdkError('SyntaxError', 429, null), code: 'THROTTLED', retryable: true },
  // Network faults and anything that is not an error object.
  {
    name: 'connection reset',
    error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    code: 'UNAVAILABLE',
    retryable: true,
  },
  { name: 'a string', error: 'boom', code: 'UNAVAILABLE', retryable: true },
  { name: 'null', error: null, code: 'UNAVAILABLE', retryable: true },
];

describe('toGuardError: the one place SDK errors are narrowed', () => {
  it.each(CASES)('$name -> $code (retryable: $retryable)', ({ error, code, retryable }) => {
    const mapped = toGuardError(error, 'PutImage orders:v7');
    expect(mapped).toBeInstanceOf(GuardError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.message.startsWith('PutImage orders:v7: ')).toBe(true);
    expect(mapped.cause).toBe(error);
  });

  it('keeps the SDK message after the action, or the value itself when there is none', () => {
    expect(toGuardError(sdkError('AccessDeniedException', 400), 'BatchGetImage r').message).toBe(
      'BatchGetImage r: AccessDeniedException says no',
    );
    expect(toGuardError('boom', 'Publish').message).toBe('Publish: boom');
  });

  it('passes a GuardError through unchanged', () => {
    const original = new GuardError('CONFIG', 'bad', false);
    expect(toGuardError(original, 'anything')).toBe(original);
  });
});
