/** Why an outside call failed, in the guard's words. Adapters map SDK and HTTP errors to these once. */
export type GuardErrorCode =
  | 'THROTTLED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'IMAGE_NOT_FOUND'
  | 'REPOSITORY_NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'KMS'
  | 'LIMIT_EXCEEDED'
  | 'INVALID_REQUEST'
  | 'CONFIG'
  | 'CANNOT_ASSUME_ROLE'
  | 'ACCOUNT_MISMATCH';

/**
 * A failure of an outside call. `retryable` failures are rethrown by the handler so Lambda's async
 * retries (and then the on-failure destination) keep the event; permanent ones are reported.
 */
export class GuardError extends Error {
  override readonly name = 'GuardError';

  constructor(
    readonly code: GuardErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
