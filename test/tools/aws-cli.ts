import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The AWS CLI the wire-format tests may use: version 2 (they rely on `--no-cli-pager` and exit code 254). */
export interface AwsCliChoice {
  /** Path of an AWS CLI v2, or null. */
  readonly path: string | null;
  readonly version: string | null;
  /** Why there is none, in one line (null when one was found). */
  readonly reason: string | null;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds an AWS CLI v2: each `aws` on PATH in order, then Debian's `/usr/bin/aws`. A v1 first on
 * PATH (a pyenv or pip install) is passed over rather than used: v1 has no `--no-cli-pager` and
 * exits 255 where v2 exits 254, so the tests would fail for the CLI's sake, not the endpoint's.
 */
export const findAwsCliV2 = (
  searchPath: string = process.env.PATH ?? '',
  fallbacks: readonly string[] = ['/usr/bin/aws'],
): AwsCliChoice => {
  const candidates = [
    ...new Set([
      ...searchPath
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, 'aws')),
      ...fallbacks,
    ]),
  ];
  const others: string[] = [];
  for (const candidate of candidates.filter(executable)) {
    const result = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    const version = /aws-cli\/(\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? null;
    if (version?.startsWith('2.')) return { path: candidate, version, reason: null };
    others.push(`${candidate} is ${version === null ? 'not an AWS CLI' : `AWS CLI ${version}`}`);
  }
  return {
    path: null,
    version: null,
    reason:
      others.length === 0
        ? 'the AWS CLI v2 (aws) is not installed'
        : `no AWS CLI v2 found (${others.join('; ')}); these tests need v2`,
  };
};
