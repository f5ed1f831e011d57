// Writes the shipped examples (OCI image layouts of the seed case and its fix) under examples/,
// or under the folder given as the first argument. Run: npx tsx scripts/make-examples.ts [outDir]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSeedExamples } from '../fixtures/seed-examples.js';

const outDir = process.argv[2] ?? resolve(fileURLToPath(new URL('..', import.meta.url)), 'examples');
const files = await writeSeedExamples(outDir);
process.stdout.write(`wrote ${files.size} files under ${outDir}\n`);
