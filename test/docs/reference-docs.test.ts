import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DOCS } from '../../scripts/docs/reference-docs.js';

describe('generated reference docs', () => {
  it.each(Object.keys(REFERENCE_DOCS))('%s matches its table (run `npm run docs` after changing the table)', (path) => {
    // Act
    const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

    // Assess
    expect(committed).toBe(REFERENCE_DOCS[path]?.());
  });
});
