import { readFileSync } from 'node:fs';

// Mutation score per folder of functions/ from Stryker's JSON report (mutation-testing-report-schema):
// killed + timeout over every valid mutant (no coverage counts as survived), as Stryker scores them.
interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string }[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored', 'Pending']);
// Several reports (one run per folder) combine file by file; a later report's file replaces an earlier one's.
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['.tmp/mutation/mutation.json'];
const report: Report = { files: {} };
for (const path of paths) Object.assign(report.files, (JSON.parse(readFileSync(path, 'utf8')) as Report).files);
const folders = new Map<string, { detected: number; valid: number; survived: number; noCoverage: number }>();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const relative = file.replace(/^.*?functions\//, '');
  const folder = relative.includes('/') ? relative.slice(0, relative.indexOf('/')) : '(root)';
  const tally = folders.get(folder) ?? { detected: 0, valid: 0, survived: 0, noCoverage: 0 };
  for (const { status } of mutants) {
    if (INVALID.has(status)) continue;
    tally.valid += 1;
    if (DETECTED.has(status)) tally.detected += 1;
    if (status === 'Survived') tally.survived += 1;
    if (status === 'NoCoverage') tally.noCoverage += 1;
  }
  folders.set(folder, tally);
}
const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
process.stdout.write(`${'folder'.padEnd(22)}  score  killed/valid  survived  no-coverage\n`);
for (const [folder, t] of rows) {
  const score = t.valid === 0 ? 'n/a' : `${((100 * t.detected) / t.valid).toFixed(1)}%`;
  process.stdout.write(
    `${`functions/${folder}`.padEnd(22)} ${score.padStart(6)}  ${`${t.detected}/${t.valid}`.padStart(12)}  ${String(t.survived).padStart(8)}  ${String(t.noCoverage).padStart(11)}\n`,
  );
}
