import { LAMBDA_RULES, type LambdaRule, REASON_CODES, type RuleStatus } from '../../functions/core/lambda-rules.js';

const STATUS_WORDS: Readonly<Record<RuleStatus, string>> = {
  confirmed: 'confirmed: stated by AWS or the OCI specifications',
  practice: 'practice: established by reported deployments, not documented',
  unverified: 'unverified: inferred; neither documented nor settled by reports',
};

/** Markdown table cells must not break the row. */
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const remedyOf = (row: LambdaRule): string => {
  if (row.remedy === null) return 'none';
  if (typeof row.remedy === 'function') return 'by index shape';
  return `\`${row.remedy}\``;
};

const section = (row: LambdaRule): string[] => [
  `### \`${row.code}\``,
  '',
  `**${row.title}.** ${row.rule}${row.prose === '' ? '' : ` ${row.prose}`}`,
  '',
  `- Severity: ${row.severity}; status: ${STATUS_WORDS[row.status]}.`,
  `- Checked by: ${row.predicates.map((p) => `\`functions/core/${p}\``).join(', ')}; fixes: ${remedyOf(row)}.`,
  '- Sources:',
  ...row.sources.map((source) => `  - [${source.title}](${source.url})`),
  '',
];

/** `docs/reason-codes.md`, generated from the rules table (`npm run docs`; a test fails when it drifts). */
export const reasonCodesMarkdown = (): string => {
  const rows = REASON_CODES.map((code) => LAMBDA_RULES[code] as LambdaRule);
  return [
    '<!-- Generated from functions/core/lambda-rules.ts by `npm run docs`; edit the table, not this file. -->',
    '# Reason codes',
    '',
    'Every finding has a stable code (a public contract: codes are added, never renamed). Any `error`',
    'quarantines; warnings alone leave an image deployable (`--strict` / `GUARD_STRICT=true` quarantines',
    'them too); `info` marks what is skipped. Each rule says how firmly it is established: **confirmed**',
    '(AWS or the OCI specifications say so), **practice** (reported deployments show it; AWS does not',
    'document it) or **unverified** (inferred; nothing settles it yet).',
    '',
    '| Code | Severity | Status | Rule |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) => `| [\`${row.code}\`](#${row.code.toLowerCase()}) | ${row.severity} | ${row.status} | ${cell(row.rule)} |`,
    ),
    '',
    '## Each rule',
    '',
    ...rows.flatMap(section),
  ].join('\n');
};
