/**
 * An error a local AWS service answers with. The protocol adapter turns it into the wire form
 * (`{"__type", "message"}` for JSON services, `<ErrorResponse>` for SNS), so handlers only say what
 * went wrong and with which modelled error code.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    /** The modelled error code, e.g. `RepositoryNotFoundException` (JSON) or `InvalidParameter` (SNS query). */
    readonly code: string,
    message: string,
    /** HTTP status; 4xx for client faults, 5xx for server faults. */
    readonly status = 400,
    /** Extra members some error shapes carry (e.g. `lastValidByteReceived`). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** True for a {@link ServiceError}. */
export const isServiceError = (value: unknown): value is ServiceError => value instanceof ServiceError;
