import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

/** Bytes of a file and of its gzip -9 encoding (what the deployment package roughly costs to move). */
export const fileSizes = async (path: string): Promise<{ bytes: number; gzipBytes: number }> => {
  const content = await readFile(path);
  return { bytes: content.byteLength, gzipBytes: gzipSync(content, { level: 9 }).byteLength };
};
