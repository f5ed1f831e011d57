import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signs and checks the expiring blob-download URLs GetDownloadUrlForLayer hands out. */
export interface BlobUrlSigner {
  /** `<baseUrl>/_blobs/<repository>/<digest>?expires=<epoch s>&token=<hmac>`. */
  sign(repository: string, digest: string): string;
  /** Why a presented URL may not be served, or null when it may. */
  check(repository: string, digest: string, expires: string | null, token: string | null): 'expired' | 'bad-signature' | null;
}

/** Creates a signer with its own key; `ttlSeconds` is how long a URL stays valid. */
export const createBlobUrlSigner = (
  baseUrl: () => string,
  key: string,
  ttlSeconds: number,
  nowMs: () => number = () => Date.now(),
): BlobUrlSigner => {
  const mac = (repository: string, digest: string, expires: string): string =>
    createHmac('sha256', key).update(`${repository}\n${digest}\n${expires}`).digest('hex');
  return {
    sign: (repository, digest) => {
      const expires = String(Math.floor(nowMs() / 1000) + ttlSeconds);
      const query = new URLSearchParams({ expires, token: mac(repository, digest, expires) });
      return `${baseUrl()}/_blobs/${repository}/${digest}?${query.toString()}`;
    },
    check: (repository, digest, expires, token) => {
      if (expires === null || token === null || !/^\d+$/.test(expires)) return 'bad-signature';
      const expected = Buffer.from(mac(repository, digest, expires));
      const presented = Buffer.from(token);
      if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return 'bad-signature';
      return Number(expires) * 1000 < nowMs() ? 'expired' : null;
    },
  };
};
