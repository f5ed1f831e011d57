import type { AuditRow } from './audit-summary.js';

const shortDigest = (digest: string | null): string => (digest === null ? '-' : `${digest.slice(0, 'sha256:'.length + 12)}…`);

/** `v7-quarantined missing`, `v7-deployable foreign (names sha256:…)`, joined. */
const guardTagText = (row: AuditRow): string => {
  if (row.guardTags.length === 0) return row.verdict === 'skipped' || row.verdict === 'unreadable' ? '-' : 'none earned';
  return row.guardTags
    .map((finding) => {
      const applied = row.applied?.find((item) => item.tag === finding.tag);
      const names = finding.state === 'stale' || finding.state === 'foreign' ? ` (names ${shortDigest(finding.digest)})` : '';
      const done =
        applied !== undefined && applied.outcome !== 'planned' && finding.state !== 'present' ? ` -> ${applied.outcome}` : '';
      return `${finding.tag} ${finding.state}${names}${done}`;
    })
    .join('; ');
};

const reasonsText = (row: AuditRow): string => (row.reasons.length === 0 ? '' : row.reasons.join(', '));

/** The human table of one repository: a heading, then one line per tag. */
export const renderRepositoryTable = (repository: string, rows: readonly AuditRow[]): string => {
  const header = ['TAG', 'VERDICT', 'DIGEST', 'GUARD TAGS', 'REASONS'];
  const cells = rows.map((row) => [
    row.tag,
    row.verdict.toUpperCase(),
    shortDigest(row.digest),
    guardTagText(row),
    reasonsText(row),
  ]);
  const widths = header.map((title, column) =>
    Math.min(column === 3 ? 70 : 40, Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length))),
  );
  const line = (values: readonly string[]) =>
    `  ${values
      .map((value, column) => (column === values.length - 1 ? value : value.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()}\n`;
  return `${repository} (${rows.length} tag${rows.length === 1 ? '' : 's'})\n${line(header)}${cells.map(line).join('')}\n`;
};

/** Escapes a Markdown table cell (pipes and line breaks would break the table). */
const cell = (text: string): string =>
  text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/[\r\n]+/g, ' ');

/** The Markdown section of one repository, for a CI job summary or a ticket. */
export const renderRepositoryMarkdown = (repository: string, rows: readonly AuditRow[]): string =>
  [
    `### \`${cell(repository)}\``,
    '',
    '| Tag | Verdict | Digest | Guard tags | Reasons |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| \`${cell(row.tag)}\` | ${row.verdict === 'quarantined' ? '**quarantined**' : row.verdict} | \`${shortDigest(row.digest)}\` | ${cell(guardTagText(row))} | ${cell(reasonsText(row))} |`,
    ),
    '',
    '',
  ].join('\n');
