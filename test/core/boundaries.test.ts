/**
 * The layers and their boundaries: the core, the report layer and the app layer are pure (no file
 * system, network, processes, environment or AWS SDK); the core imports only itself; the report
 * layer never reaches the app or adapters; functions/ never imports the CLI, the local stack, tests,
 * infra or tooling; benchmarks never import tests. Two checks: Biome's lint rules really fire on a
 * probe file placed on the wrong side of each boundary, and a scan of the pure folders' sources.
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

/** One probe file per boundary: where it is placed, what it imports, and the lint message that must refuse it. */
const PROBES = [
  {
    folder: 'functions/core',
    lines: ["import { readFileSync } from 'node:fs';", "import { ECRClient } from '@aws-sdk/client-ecr';"],
    use: '[readFileSync, ECRClient, process.env.HOME, typeof fetch]',
    messages: [
      'Pure layers never read files: an adapter reads them and passes bytes in.',
      'Pure layers never import the AWS SDK: use a port.',
      'Pure layers read no environment: configuration is passed in.',
    ],
  },
  {
    folder: 'functions/core',
    lines: ["import { explain } from '../report/explain.js';", "import { processPush } from '../app/process-push.js';"],
    use: '[explain, processPush]',
    messages: ['The core is the domain: it imports only the core'],
  },
  {
    folder: 'functions/report',
    lines: [
      "import { processPush } from '../app/process-push.js';",
      "import { createComposer } from '../adapters/notification-composer.js';",
    ],
    use: '[processPush, createComposer]',
    messages: ['The report layer is built from verdict data only'],
  },
  {
    folder: 'functions/app',
    lines: [
      "import { explain } from '../report/explain.js';",
      "import { createEcrRegistry } from '../adapters/ecr-registry.js';",
    ],
    use: '[explain, createEcrRegistry]',
    messages: ['The app layer orchestrates through ports'],
  },
  {
    folder: 'functions/adapters',
    lines: ["import { runInspect } from '../../cli/inspect.js';", "import { startStack } from '../../local/stack.js';"],
    use: '[runInspect, startStack]',
    messages: ['functions/ is what ships in the Lambda bundle'],
  },
  {
    folder: 'functions/adapters',
    lines: ["import { LambdaClient } from '@aws-sdk/client-lambda';"],
    use: '[LambdaClient]',
    messages: ["The Lambda SDK client is the CLI's (audit --functions)"],
  },
  {
    folder: 'functions/config',
    lines: ["import type { BuildOptions } from 'esbuild';"],
    use: '[] as BuildOptions[]',
    messages: ['Build, infrastructure and test tooling stays out of functions/'],
  },
  {
    folder: 'bench',
    lines: ["import { startGuard } from '../test/support/guard-harness.js';"],
    use: '[startGuard]',
    messages: ['Benchmarks share the fixture library, never test code.'],
  },
] as const;

describe('the layer boundaries', () => {
  it.each(PROBES.map((probe) => ({ ...probe, first: probe.lines[0] })))(
    'Biome refuses a file in $folder that does "$first"',
    ({ folder, lines, use, messages }) => {
      // Prepare: a file that type-checks, so a parallel `tsc` run is not disturbed while it exists
      const probe = join(REPO_ROOT, folder, `boundary-probe-${randomBytes(6).toString('hex')}.ts`);
      writeFileSync(probe, [...lines, '', `export const probe = (): unknown => ${use};`, ''].join('\n'));
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
      const output = `${String(result.stdout)}\n${String(result.stderr)}`.replace(/\s+/g, ' ');
      expect(result.error).toBeUndefined();
      expect(result.status, output).not.toBe(0);
      for (const message of messages) expect(output).toContain(message);
    },
  );

  const sources = ['core', 'report', 'app'].flatMap((folder) => filesUnder(join(REPO_ROOT, 'functions', folder)));

  it('covers some files', () => {
    // Assess
    expect(sources.map((file) => relative(REPO_ROOT, file))).toEqual(
      expect.arrayContaining(['functions/core/classify.ts', 'functions/report/explain.ts', 'functions/app/gather-evidence.ts']),
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
