#!/usr/bin/env node
// The step of action.yml: runs `inspect`, writes the job summary, the outputs and the annotations,
// and fails the job on quarantine. Inputs come as INPUT_IMAGE, INPUT_ARCH, INPUT_STRICT.
// Workflow commands and files: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// fileURLToPath, not .pathname: a checkout path with spaces or a Windows runner's drive letter.
const bin = fileURLToPath(new URL('../bin/ecr-lambda-guard.mjs', import.meta.url));
const image = process.env.INPUT_IMAGE ?? '';
const arch = process.env.INPUT_ARCH ?? '';
const strict = (process.env.INPUT_STRICT ?? 'false').trim().toLowerCase() === 'true';

/** A workflow-command value: % CR LF are escaped so a message cannot start another command. */
const escapeData = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

if (image.trim() === '') {
  process.stdout.write('::error title=ecr-lambda-guard::the input "image" is required\n');
  process.exit(2);
}
const args = ['inspect', image, ...(arch.trim() === '' ? [] : ['--arch', arch]), ...(strict ? ['--strict'] : [])];
const run = (format) =>
  spawnSync(process.execPath, [bin, ...args, '--format', format], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const json = run('json');
if (json.status !== 0 && json.status !== 1) {
  const message = (json.stderr || `inspect exited ${json.status}`).trim();
  process.stdout.write(`::error title=ecr-lambda-guard::${escapeData(message)}\n`);
  process.exit(2);
}
const verdict = JSON.parse(json.stdout);
const markdown = run('markdown');
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown.stdout}\n`);
if (process.env.GITHUB_OUTPUT) {
  const deployable = verdict.verdict === 'deployable' ? verdict.subject.digest : (verdict.deployableChild?.digest ?? '');
  appendFileSync(process.env.GITHUB_OUTPUT, `verdict=${verdict.verdict}\ndeployable-digest=${deployable}\n`);
}
for (const reason of verdict.reasons) {
  const command = reason.severity === 'error' ? 'error' : reason.severity === 'warning' ? 'warning' : 'notice';
  process.stdout.write(`::${command} title=${escapeProperty(reason.code)}::${escapeData(`${image}: ${reason.message}`)}\n`);
}
process.stdout.write(`ecr-lambda-guard: ${image} is ${verdict.verdict}\n`);
process.exit(verdict.verdict === 'quarantined' ? 1 : 0);
