/** A deployment setting of the guard that cannot work, reported at synth time rather than in AWS. */
export class GuardConfigError extends Error {
  override readonly name = 'GuardConfigError';
}
