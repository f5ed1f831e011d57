/**
 * A problem with what the user asked for (a path, a ref, a file's format), as opposed to a bug or
 * an outage. Shells print its message as one line and exit with the usage-error code.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
