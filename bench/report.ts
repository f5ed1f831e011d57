/** The benchmark's figures as a plain-text table, for people. */

export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  /** `ok`, `MISSED`, or empty when there is no target. */
  readonly status: string;
}

export interface Section {
  readonly title: string;
  readonly rows: readonly Row[];
}

export const check = (ok: boolean | null): string => (ok === null ? '' : ok ? 'ok' : 'MISSED');

/** Sections of aligned columns: figure, value, target, status. */
export const renderTable = (sections: readonly Section[], footer: readonly string[]): string => {
  const rows = sections.flatMap((section) => section.rows);
  const width = (pick: (row: Row) => string, header: string) => Math.max(header.length, ...rows.map((row) => pick(row).length));
  const w = {
    figure: width((r) => r.figure, 'figure'),
    value: width((r) => r.value, 'measured'),
    target: width((r) => r.target, 'target'),
  };
  const line = (a: string, b: string, c: string, d: string) =>
    `  ${a.padEnd(w.figure)}  ${b.padStart(w.value)}  ${c.padEnd(w.target)}  ${d}`.trimEnd();
  const out: string[] = [];
  for (const section of sections) {
    out.push('', section.title, line('figure', 'measured', 'target', ''), `  ${'-'.repeat(w.figure + w.value + w.target + 12)}`);
    for (const row of section.rows) out.push(line(row.figure, row.value, row.target, row.status));
  }
  out.push('', ...footer);
  return `${out.join('\n')}\n`;
};
