/**
 * The core and the app layer are pure: no file system, network, processes, environment or AWS SDK.
 * Two checks: Biome's lint boundary really fires on a probe file placed in functions/core, and no
 * file under functions/core or functions/app imports or uses what the boundary forbids.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIOME = join(REPO_ROOT, 'node_modules', '.bin', 'biome');

const FORBIDDEN_MODULES = [
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?https?$/,
  /^(node:)?net$/,
  /^(node:)?child_process$/,
  /^(node:)?process$/,
  /^@aws-sdk\//,
  /^@smithy\//,
];

/** Module specifiers of static imports, re-exports, dynamic imports and requires. */
const specifiersOf = (source: string): string[] => {
  const found: string[] = [];
  const patterns = [
    /\bimport\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bexport\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (match[1] !== undefined) found.push(match[1]);
  return found;
};

/** Source without comments (crude: it may drop text after `//` in strings, never add any). */
const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });

describe('the core lint boundary', () => {
  it('Biome refuses a core file that imports node:fs and the AWS SDK and reads process.env', () => {
    // Prepare: type-correct on purpose, so a parallel `tsc` run is not disturbed while it exists
    const probe = join(REPO_ROOT, 'functions', 'core', `purity-probe-${randomBytes(6).toString('hex')}.ts`);
    writeFileSync(
      probe,
      [
        "import { readFileSync } from 'node:fs';",
        "import { ECRClient } from '@aws-sdk/client-ecr';",
        '',
        'export const probe = (): unknown => [readFileSync, ECRClient, process.env.HOME, typeof fetch];',
        '',
      ].join('\n'),
    );
    let result: ReturnType<typeof spawnSync>;
    try {
      // Act
      result = spawnSync(BIOME, ['lint', '--max-diagnostics=50', relative(REPO_ROOT, probe)], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      });
    } finally {
      rmSync(probe, { force: true });
    }

    // Assess
    const output = `${String(result.stdout)}\n${String(result.stderr)}`;
    expect(result.error).toBeUndefined();
    expect(result.status, output).not.toBe(0);
    expect(output).toContain('noRestrictedImports');
    expect(output).toContain('noRestrictedGlobals');
    expect(output).toContain('The core is pure: read files in an adapter and pass bytes in.');
    expect(output).toContain('The core never imports the AWS SDK: use a port.');
    expect(output).toContain('The core is pure: configuration is passed in, never read from the process.');
  });

  const sources = ['core', 'app'].flatMap((folder) => filesUnder(join(REPO_ROOT, 'functions', folder)));

  it('covers some files', () => {
    // Assess
    expect(sources.map((file) => relative(REPO_ROOT, file))).toEqual(
      expect.arrayContaining(['functions/core/classify.ts', 'functions/app/gather-evidence.ts']),
    );
  });

  it.each(sources.map((file) => ({ file: relative(REPO_ROOT, file), path: file })))(
    '$file imports nothing impure and touches neither process nor fetch',
    ({ path }) => {
      // Prepare
      const source = readFileSync(path, 'utf8');

      // Act
      const impureImports = specifiersOf(source).filter((specifier) => FORBIDDEN_MODULES.some((rule) => rule.test(specifier)));
      const code = withoutComments(source);
      const globals = [...code.matchAll(/\b(?:globalThis\s*\.\s*)?(process\s*[.[]|fetch\s*\()/g)].map((m) => m[0]);

      // Assess
      expect(impureImports).toStrictEqual([]);
      expect(globals).toStrictEqual([]);
    },
  );

  it.each([
    { source: "import { readFile } from 'node:fs/promises';", impure: ['node:fs/promises'] },
    { source: "import type { ECRClient } from '@aws-sdk/client-ecr';", impure: ['@aws-sdk/client-ecr'] },
    { source: "export { x } from 'node:https';", impure: ['node:https'] },
    { source: "const m = await import('child_process');", impure: ['child_process'] },
    { source: "import { createHash } from 'node:crypto';", impure: [] },
    { source: "import { x } from './fs.js';", impure: [] },
  ])('the scan itself catches "$source"', ({ source, impure }) => {
    // Act
    const found = specifiersOf(source).filter((specifier) => FORBIDDEN_MODULES.some((rule) => rule.test(specifier)));

    // Assess
    expect(found).toStrictEqual(impure);
  });
});
