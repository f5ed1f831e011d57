import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, CLI_ENV, ROOT, runCli } from './cli-kit.js';

// Every command and subcommand answers --help and -h with its usage on stdout and exit code 0.
const COMMANDS: readonly (readonly [string[], readonly string[]])[] = [
  [['inspect'], ['--json', '--arch', '--strict', '--blobs']],
  [['audit'], ['--repository', '--since', '--apply', '--functions']],
  [['local'], ['local serve', 'local push']],
  [
    ['local', 'serve'],
    ['--port', '--state', '--arch', '--notify-on-deployable', '--no-guard', '--org'],
  ],
  [
    ['local', 'push'],
    ['--endpoint', '--region', '--account'],
  ],
  [['demo'], ['--org']],
];

describe.each(['--help', '-h'])('ecr-lambda-guard <command> %s', (flag) => {
  it.each(COMMANDS)('%j prints its usage with every option and exits 0', (command, options) => {
    // Act
    const result = runCli([...command, flag], { timeoutMs: 20_000 });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: ecr-lambda-guard ${command.join(' ')}`));
    for (const option of options) expect(result.stdout).toContain(option);
  });
});

describe('help', () => {
  it('demo --help prints usage and does not run the demo', () => {
    const result = runCli(['demo', '--help'], { timeoutMs: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/Quarantined|DEPLOYABLE|email to/);
    expect(result.stdout.split('\n').length).toBeLessThan(10);
  });

  it('a --help after -- is an argument, not a request for help', () => {
    const result = runCli(['inspect', '--', '--help'], { timeoutMs: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('Usage');
  });
});

// Colour needs a terminal: `script` runs the CLI on a pseudo-terminal.
const hasScript = spawnSync('script', ['--version']).error === undefined;

describe.runIf(hasScript || process.env.REQUIRE_TOOLS === '1')('NO_COLOR (no-color.org)', () => {
  const onTerminal = (noColor: string | undefined): string => {
    const env = { ...CLI_ENV };
    if (noColor === undefined) delete env.NO_COLOR;
    else env.NO_COLOR = noColor;
    const result = spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" inspect examples/seed-v8`, '/dev/null'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return result.stdout;
  };

  it.each([
    ['unset', undefined, true],
    ['empty', '', true],
    ['1', '1', false],
    ['false', 'false', false],
  ])('NO_COLOR %s: colour %s', (_name, value, coloured) => {
    expect(onTerminal(value).includes('\u001b[')).toBe(coloured);
  });
});
