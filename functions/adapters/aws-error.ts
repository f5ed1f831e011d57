import { GuardError, type GuardErrorCode } from '../app/guard-error.js';

/** The few fields of an SDK v3 service exception the guard looks at. */
interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  /** Set on every modelled service error the SDK parsed; absent when the answer could not be read. */
  readonly $fault?: unknown;
}

const PERMANENT: Readonly<Record<string, GuardErrorCode>> = {
  RepositoryNotFoundException: 'REPOSITORY_NOT_FOUND',
  ImageNotFoundException: 'IMAGE_NOT_FOUND',
  AccessDeniedException: 'ACCESS_DENIED',
  AuthorizationError: 'ACCESS_DENIED',
  AuthorizationErrorException: 'ACCESS_DENIED',
  UnrecognizedClientException: 'ACCESS_DENIED',
  InvalidClientTokenId: 'ACCESS_DENIED',
  NotFound: 'REPOSITORY_NOT_FOUND',
  NotFoundException: 'REPOSITORY_NOT_FOUND',
  KmsException: 'KMS',
  KMSAccessDeniedException: 'KMS',
  KMSDisabledException: 'KMS',
  LimitExceededException: 'LIMIT_EXCEEDED',
  InvalidParameterException: 'INVALID_REQUEST',
  InvalidParameter: 'INVALID_REQUEST',
  InvalidParameterValue: 'INVALID_REQUEST',
  ValidationException: 'INVALID_REQUEST',
};

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ThrottledException',
]);

/**
 * Maps any error from an SDK call to a {@link GuardError}: the one place SDK errors are narrowed.
 * Throttling, 5xx and network faults are retryable (the SDK already retried them); named service
 * errors are permanent.
 */
export const toGuardError = (error: unknown, action: string): GuardError => {
  if (error instanceof GuardError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = shape.name ?? 'Error';
  const message = `${action}: ${shape.message ?? String(error)}`;
  if (THROTTLING.has(name)) return new GuardError('THROTTLED', message, true, { cause: error });
  const permanent = PERMANENT[name];
  if (permanent !== undefined) return new GuardError(permanent, message, false, { cause: error });
  const status = shape.$metadata?.httpStatusCode;
  if (name === 'TimeoutError' || name === 'AbortError') return new GuardError('TIMEOUT', message, true, { cause: error });
  // A 4xx whose body was cut off (the SDK reports a deserialization error, no modelled fault) says
  // nothing about the request: it may have been a throttling answer, or PutImage's "already exists".
  const unread = status !== undefined && shape.$fault === undefined;
  if (status === 403 && !unread) return new GuardError('ACCESS_DENIED', message, false, { cause: error });
  if (!unread && status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new GuardError('INVALID_REQUEST', message, false, { cause: error });
  }
  // 5xx, 429, connection resets, truncated bodies and anything unknown: let Lambda retry.
  return new GuardError(status === 429 ? 'THROTTLED' : 'UNAVAILABLE', message, true, { cause: error });
};
