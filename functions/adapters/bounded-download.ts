import { GuardError } from '../app/guard-error.js';
import type { BlobResult } from '../app/ports.js';

/**
 * GETs a pre-signed URL and reads at most `maxBytes`. A body larger than promised is refused
 * without reading it all; a short body (a truncated transfer) is a retryable failure, never evidence.
 */
export const boundedDownload = async (url: string, maxBytes: number, timeoutMs = 10_000): Promise<BlobResult> => {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw new GuardError('UNAVAILABLE', `blob download failed: ${(error as Error).message}`, true, { cause: error });
  }
  if (response.status === 404 || response.status === 403) {
    await response.body?.cancel();
    return { ok: false, reason: 'not-found', message: `blob download answered ${response.status}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new GuardError(
      response.status === 429 || response.status === 503 ? 'THROTTLED' : 'UNAVAILABLE',
      `blob download answered ${response.status}`,
      true,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return { ok: false, reason: 'too-large', message: `blob is ${declared} bytes; the limit is ${maxBytes}` };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (response.body !== null) {
      for await (const chunk of response.body) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          await response.body.cancel().catch(() => undefined);
          return { ok: false, reason: 'too-large', message: `blob exceeds the limit of ${maxBytes} bytes` };
        }
        chunks.push(chunk);
      }
    }
  } catch (error) {
    throw new GuardError('UNAVAILABLE', `blob download broke off: ${(error as Error).message}`, true, { cause: error });
  }
  const bytes = Buffer.concat(chunks);
  // Only the transfer's own Content-Length proves truncation; a descriptor that lies about the size
  // is a content problem the core reports (DIGEST_MISMATCH), not a reason to retry for ever.
  if (Number.isFinite(declared) && bytes.byteLength !== declared) {
    throw new GuardError('UNAVAILABLE', `blob download was truncated (${bytes.byteLength} of ${declared} bytes)`, true);
  }
  return { ok: true, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
};
