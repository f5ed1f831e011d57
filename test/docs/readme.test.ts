import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config/env-names.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ciRun = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README stays in step with the code', () => {
  it.each(Object.values(ENV))('documents environment variable %s', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
  });

  it('gives the two commands, and CI runs exactly the test command', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\s/m);
    expect(ciRun).toMatch(/^npm test$/m);
    expect(ciRun).toContain('REQUIRE_TOOLS=1');
  });
});
