import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENV, runCli } from './cli-kit.js';

// The input-error policy (docs/cli.md, exit codes): exit 2 when the input cannot be read or is not a
// manifest document at all; exit 1 (quarantine) when it is a manifest that breaks a rule.
describe('inspect: one input-error policy for every kind of bad input', () => {
  let work: string;
  const file = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elg-input-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ['JSON null', () => file('null.json', 'null'), /null\.json is not a manifest: the document is null, not a JSON object/],
    ['a JSON string', () => file('str.json', '"str"'), /str\.json is not a manifest: the document is a string/],
    ['an empty object', () => file('obj.json', '{}'), /obj\.json is not a manifest: it has none of the fields schemaVersion/],
    ['an array', () => file('arr.json', '[]'), /arr\.json is not a manifest: the document is an array/],
    ['text that is not JSON', () => file('notes.txt', 'hello'), /notes\.txt is not JSON \(Unexpected token/],
    ['an empty file', () => file('empty.json', ''), /empty\.json is empty/],
    ['a pseudo-file whose stat size is 0', () => '/proc/self/status', /\/proc\/self\/status is not JSON/],
    ['a mistyped folder name', () => 'nonexistent', /nonexistent: no such file or folder, and as an ECR reference/],
    ['a missing path', () => './missing-folder', /\.\/missing-folder: no such file or directory/],
  ])('%s: exit 2 with one line naming it', (_name, source, message) => {
    // Act
    const result = runCli(['inspect', source()], { env: { ...CLI_ENV, AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' } });

    // Assess
    expect(result.status, result.stdout).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['a schemaVersion 2 document with nothing else', '{"schemaVersion":2}'],
    [
      'an image manifest without a config',
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}',
    ],
  ])('%s is a manifest that breaks a rule: quarantined, exit 1', (_name, text) => {
    // Act
    const result = runCli(['inspect', file('manifest.json', text), '--json']);

    // Assess
    expect(result.status, result.stderr).toBe(1);
    const json = JSON.parse(result.stdout) as { verdict: string; reasons: { code: string }[] };
    expect(json.verdict).toBe('quarantined');
    expect(json.reasons.map((reason) => reason.code)).toContain('MALFORMED_MANIFEST');
  });
});
