/** A mistake in how the command was called: exit code 2 with one line on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
