import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAwsCliV2 } from './aws-cli.js';

// A machine whose first `aws` is AWS CLI v1 (a pyenv shim) must not run the v2 wire tests with it.
describe('findAwsCliV2', () => {
  let work: string;
  const fake = (dir: string, versionLine: string): string => {
    const folder = join(work, dir);
    mkdirSync(folder, { recursive: true });
    // v1 prints its version on stderr, v2 on stdout.
    const stream = versionLine.startsWith('aws-cli/1.') ? '>&2' : '';
    writeFileSync(join(folder, 'aws'), `#!/bin/sh\necho '${versionLine}' ${stream}\n`);
    chmodSync(join(folder, 'aws'), 0o755);
    return folder;
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elg-aws-cli-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ['v1 first, v2 later on PATH', ['v1', 'v2'], 'v2', null],
    ['only v2', ['v2'], 'v2', null],
    ['only v1', ['v1'], null, /no AWS CLI v2 found \(.*AWS CLI 1\.45\.11\); these tests need v2/],
    ['none', [], null, /the AWS CLI v2 \(aws\) is not installed/],
  ] as const)('%s', (_name, order, expected, reason) => {
    // Prepare
    const dirs = order.map((version) =>
      fake(version, version === 'v1' ? 'aws-cli/1.45.11 Python/3.11.7 botocore/1.43.11' : 'aws-cli/2.9.19 Python/3.11.2'),
    );

    // Act
    const choice = findAwsCliV2([join(work, 'empty'), ...dirs].join(delimiter), []);

    // Assess
    expect(choice.path).toBe(expected === null ? null : join(work, expected, 'aws'));
    if (reason === null) expect(choice.reason).toBeNull();
    else expect(choice.reason).toMatch(reason);
  });
});
