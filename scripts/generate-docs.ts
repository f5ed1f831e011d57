import { writeFile } from 'node:fs/promises';
import { REFERENCE_DOCS } from './docs/reference-docs.js';

// Writes the generated reference pages; `test/docs/reference-docs.test.ts` fails when they drift.
for (const [path, render] of Object.entries(REFERENCE_DOCS)) {
  await writeFile(new URL(`../${path}`, import.meta.url), render());
  process.stdout.write(`wrote ${path}\n`);
}
