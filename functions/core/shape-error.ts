/**
 * Thrown inside the parsers when a document does not have the shape its spec requires.
 * Never escapes the core: {@link parseManifest} turns it into a `MALFORMED_MANIFEST` value.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';

  constructor(
    /** JSONPath-like location of the first offending field, e.g. `layers[2].digest`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path === '' ? 'document' : path} ${problem}`);
  }
}
