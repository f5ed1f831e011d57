import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config/env-names.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const ciRun = read('.ci/run');

describe('README is a front page', () => {
  it('gives the two commands, and CI runs exactly the test command', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\s/m);
    expect(ciRun).toMatch(/^npm test$/m);
    expect(ciRun).toContain('REQUIRE_TOOLS=1');
  });

  it('stays at most 300 lines; reference material lives in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });
});

describe('docs/configuration.md stays in step with the code', () => {
  const configuration = read('docs/configuration.md');
  it.each(Object.values(ENV))('documents environment variable %s', (name) => {
    expect(configuration).toContain(`| \`${name}\` |`);
  });
});
