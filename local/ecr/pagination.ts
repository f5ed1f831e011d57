import type { InputReader } from '../input-reader.js';

/** One page of a list and the token for the next, if any. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken: string | null;
}

const PREFIX = 'local-v1:';

/**
 * Slices `items` after the position encoded in `nextToken`. Tokens are opaque to callers (as the API
 * says) and a token this endpoint did not issue is an `InvalidParameterException`.
 */
export const pageOf = <T>(items: readonly T[], pageSize: number, nextToken: string | undefined, reader: InputReader): Page<T> => {
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = Buffer.from(nextToken, 'base64url').toString('utf8');
    const offset = decoded.startsWith(PREFIX) ? Number(decoded.slice(PREFIX.length)) : Number.NaN;
    if (!Number.isInteger(offset) || offset < 0) reader.fail('nextToken', 'Invalid NextToken');
    start = offset;
  }
  const end = start + pageSize;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(`${PREFIX}${end}`, 'utf8').toString('base64url') : null,
  };
};
