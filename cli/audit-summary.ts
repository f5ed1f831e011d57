import type { ApplyOutcome } from '../functions/app/apply-audit.js';
import type { AuditedTag } from '../functions/app/audit-repository.js';

/** One audited tag as the CLI reports it (the `images[]` entries of `--json`). */
export interface AuditRow {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly pushedAt: string | null;
  readonly verdict: 'deployable' | 'quarantined' | 'skipped' | 'unreadable';
  readonly reasons: readonly string[];
  readonly guardTags: readonly {
    readonly tag: string;
    readonly state: string;
    readonly digest: string | null;
    readonly expected: string | null;
  }[];
  /** With `--apply`: what writing each planned tag did. */
  readonly applied?: readonly { readonly tag: string; readonly digest: string; readonly outcome: string }[];
  readonly notificationId?: string | null;
}

/** The counts of the summary line and of `summary` in `--json`. */
export interface AuditSummary {
  repositories: number;
  tags: number;
  verdicts: { deployable: number; quarantined: number; skipped: number; unreadable: number };
  /** Tags whose verdict tag is not there (their event was lost, or came before the guard). */
  missingVerdictTags: number;
  staleGuardTags: number;
  foreignGuardTags: number;
  /** With `--apply`: tags written now, and notifications sent. */
  tagsWritten: number;
  notified: number;
}

export const emptySummary = (): AuditSummary => ({
  repositories: 0,
  tags: 0,
  verdicts: { deployable: 0, quarantined: 0, skipped: 0, unreadable: 0 },
  missingVerdictTags: 0,
  staleGuardTags: 0,
  foreignGuardTags: 0,
  tagsWritten: 0,
  notified: 0,
});

/** The report row of an audited tag (and of what `--apply` did to it). */
export const toRow = (audited: AuditedTag, applied: ApplyOutcome | null): AuditRow => ({
  repository: audited.repository,
  tag: audited.tag,
  digest: audited.digest,
  pushedAt: audited.pushedAt === null ? null : new Date(audited.pushedAt).toISOString(),
  verdict: audited.verdict?.verdict ?? 'unreadable',
  reasons: audited.verdict?.reasons.map((reason) => reason.code) ?? [],
  guardTags: audited.guardTags.map((finding) => ({
    tag: finding.tag,
    state: finding.state,
    digest: finding.digest,
    expected: finding.expected,
  })),
  ...(applied === null
    ? {}
    : {
        applied: applied.tags.map((item) => ({ tag: item.tag, digest: item.digest, outcome: item.outcome })),
        notificationId: applied.notificationId,
      }),
});

/** Adds a row to the summary. */
export const countRow = (summary: AuditSummary, audited: AuditedTag, row: AuditRow): void => {
  summary.tags += 1;
  summary.verdicts[row.verdict] += 1;
  const verdictTags = new Set(audited.planned.filter((item) => item.purpose === 'verdict').map((item) => item.tag));
  for (const finding of audited.guardTags) {
    if (finding.state === 'missing' && verdictTags.has(finding.tag)) summary.missingVerdictTags += 1;
    if (finding.state === 'stale') summary.staleGuardTags += 1;
    if (finding.state === 'foreign') summary.foreignGuardTags += 1;
  }
  summary.tagsWritten += row.applied?.filter((item) => item.outcome === 'created').length ?? 0;
  if (row.notificationId !== undefined && row.notificationId !== null) summary.notified += 1;
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The one-line summary printed after the table. */
export const summaryLine = (summary: AuditSummary, applied: boolean): string => {
  const { verdicts } = summary;
  const parts = [
    `${plural(summary.tags, 'tag')} in ${plural(summary.repositories, 'repository').replace('repositorys', 'repositories')}`,
    `${verdicts.deployable} deployable, ${verdicts.quarantined} quarantined, ${verdicts.skipped} skipped` +
      (verdicts.unreadable > 0 ? `, ${verdicts.unreadable} unreadable` : ''),
    `${plural(summary.missingVerdictTags, 'tag')} missing a verdict tag`,
    `${summary.staleGuardTags} stale and ${summary.foreignGuardTags} foreign guard tags`,
  ];
  if (applied) parts.push(`${plural(summary.tagsWritten, 'tag')} written, ${plural(summary.notified, 'notification')} sent`);
  return `${parts.join('; ')}\n`;
};
