/**
 * Counts what the fault and hostile-input suites did (scenarios run, faults injected, inputs tried,
 * events lost) and prints one summary line per file plus the running total of this vitest run.
 * Files run in separate worker processes, so each appends its tally to a file named after the
 * vitest main process (the workers' common parent) and the last one to finish prints the total.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tally {
  scenarios: number;
  faultsInjected: number;
  inputsTried: number;
  eventsLost: number;
}

/** A fresh tally for one test file. */
export const createTally = (): Tally => ({ scenarios: 0, faultsInjected: 0, inputsTried: 0, eventsLost: 0 });

const describeTally = (tally: Tally): string =>
  `scenarios run ${tally.scenarios}, faults injected ${tally.faultsInjected}, inputs tried ${tally.inputsTried}, events lost ${tally.eventsLost}`;

/** Prints this file's line and the total of every file of this run that has finished so far. */
export const reportTally = (file: string, tally: Tally): void => {
  const path = join(tmpdir(), `ecr-lambda-guard-suite-tally-${process.ppid}.jsonl`);
  appendFileSync(path, `${JSON.stringify({ file, ...tally })}\n`);
  const total = createTally();
  const files = new Set<string>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as Tally & { file: string };
      files.add(entry.file);
      total.scenarios += entry.scenarios;
      total.faultsInjected += entry.faultsInjected;
      total.inputsTried += entry.inputsTried;
      total.eventsLost += entry.eventsLost;
    }
  }
  process.stdout.write(
    `\n[fault+hostile] ${file}: ${describeTally(tally)}\n[fault+hostile] total over ${files.size} file(s) so far: ${describeTally(total)}\n`,
  );
};
