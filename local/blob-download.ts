import type { IncomingMessage } from 'node:http';
import type { BlobUrlSigner } from './blob-url.js';
import { type Reply, s3ErrorReply } from './http-reply.js';
import type { Route } from './request-route.js';
import type { LocalState } from './state.js';

/** A single `bytes=a-b` (or suffix `bytes=-n`) range, or null to serve the whole blob. */
const rangeOf = (header: string | undefined, size: number): { start: number; end: number } | null => {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header);
  if (match === null) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === '' || last === '' ? size - 1 : Math.min(size - 1, Number(last));
  return start <= end ? { start, end } : null;
};

/**
 * Serves `GET|HEAD /_blobs/<repository>/<digest>?expires=&token=` as S3 serves a pre-signed URL:
 * 403 for a bad or expired signature, 404 for a missing key, 206 for a range, honest Content-Length.
 */
export const serveBlob = (
  route: Extract<Route, { kind: 'blob' }>,
  request: IncomingMessage,
  url: URL,
  requestId: string,
  signer: BlobUrlSigner,
  state: LocalState,
): Reply => {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return s3ErrorReply('MethodNotAllowed', 'Only GET and HEAD.', 405, requestId);
  const problem = signer.check(route.repository, route.digest, url.searchParams.get('expires'), url.searchParams.get('token'));
  if (problem === 'bad-signature') {
    return s3ErrorReply(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
      403,
      requestId,
    );
  }
  if (problem === 'expired') return s3ErrorReply('AccessDenied', 'Request has expired', 403, requestId);
  const bytes = state.blobs.get(route.digest);
  if (bytes === undefined) return s3ErrorReply('NoSuchKey', 'The specified key does not exist.', 404, requestId);
  const headers = {
    'content-type': 'application/octet-stream',
    etag: `"${route.digest.slice(route.digest.indexOf(':') + 1)}"`,
    'accept-ranges': 'bytes',
    'x-amz-request-id': requestId,
  };
  const range = rangeOf(request.headers.range, bytes.byteLength);
  if (range !== null) {
    return {
      status: 206,
      headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${bytes.byteLength}` },
      body: Buffer.from(bytes.subarray(range.start, range.end + 1)),
      errorCode: null,
    };
  }
  return { status: 200, headers, body: Buffer.from(bytes), errorCode: null };
};
