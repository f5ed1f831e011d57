import { describeArtifact } from '../core/artifact-detection.js';
import { assertNever } from '../core/assert-never.js';
import { formatPlatform } from '../core/platform.js';
import type { EntryRole, IndexEntry, SubjectKind, Verdict } from '../core/verdict.js';

/** How a tree node is marked for people: ✔ deployable, ✖ blocks, ! warns, · not an image. */
export type TreeMark = 'ok' | 'error' | 'warning' | 'ignored';

/** The symbol each mark is drawn with, in every channel. */
export const TREE_MARKS: Readonly<Record<TreeMark, string>> = { ok: '✔', error: '✖', warning: '!', ignored: '·' };

/** The manifest tree, as renderers draw it and the machine JSON carries it. */
export interface TreeNode {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly role: EntryRole | 'subject';
  readonly kind: SubjectKind;
  readonly platform: string | null;
  readonly mark: TreeMark;
  /** A few words: "image linux/arm64 — deployable", "attestation (SLSA provenance v0.2)". */
  readonly label: string;
  readonly children: readonly TreeNode[];
}

const PREDICATE_NAMES: Readonly<Record<string, string>> = {
  'https://slsa.dev/provenance/v0.2': 'SLSA provenance v0.2',
  'https://slsa.dev/provenance/v1': 'SLSA provenance v1',
  'https://spdx.dev/Document': 'SPDX SBOM',
  'https://cyclonedx.org/bom': 'CycloneDX SBOM',
};

const describePredicates = (types: readonly string[]): string => types.map((type) => PREDICATE_NAMES[type] ?? type).join(', ');

const ROLE_WORDS: Readonly<Record<EntryRole, string>> = {
  runnable: 'image',
  image: 'image',
  attestation: 'attestation',
  index: 'nested index',
  invalid: 'unreadable entry',
  signature: 'signature',
  sbom: 'SBOM',
  'helm-chart': 'Helm chart',
  'soci-index': 'SOCI index',
  'buildkit-history': 'BuildKit history record',
  referrer: 'referrer artifact',
  artifact: 'artifact',
};

/** `claimed`: the platform the index claims for the entry when its config says another. */
const entryLabel = (entry: IndexEntry, claimed: string | undefined): string => {
  const shown = entry.platform === null ? null : formatPlatform(entry.platform);
  const platform = shown === null || claimed === undefined ? shown : `${shown} (the index says ${claimed})`;
  const words = ROLE_WORDS[entry.role];
  switch (entry.role) {
    case 'runnable':
      return `${words} ${platform ?? '(platform unknown)'}${entry.chosen ? ' — deployable' : ''}`;
    case 'image': {
      const why = claimed === undefined ? entry.errors[0] : 'INDEX_PLATFORM_MISMATCH';
      return `${words} ${platform ?? '(platform unknown)'}${why === undefined ? ' — not runnable on Lambda' : ` — ${why}`}`;
    }
    case 'attestation': {
      const what = entry.predicateTypes.length > 0 ? ` (${describePredicates(entry.predicateTypes)})` : '';
      const of = entry.attests === null ? '' : ` for ${entry.attests.slice(0, 19)}`;
      return `${words}${what}${of}`;
    }
    case 'invalid':
      return `${words}${entry.errors[0] === undefined ? '' : `: ${entry.errors[0]}`}`;
    default:
      return platform === null || platform === 'unknown/unknown' ? words : `${words} ${platform}`;
  }
};

const entryMark = (entry: IndexEntry): TreeMark => {
  if (entry.role === 'runnable') {
    if (entry.chosen) return entry.warnings.length > 0 ? 'warning' : 'ok';
    return 'warning';
  }
  if (entry.role === 'image' || entry.role === 'invalid' || entry.role === 'index') return 'error';
  return 'ignored';
};

const leaf = (verdict: Verdict, mark: TreeMark, label: string): TreeNode => ({
  digest: verdict.subject.digest,
  mediaType: verdict.subject.mediaType,
  size: verdict.subject.size,
  role: 'subject',
  kind: verdict.subject.kind,
  platform: null,
  mark,
  label,
  children: [],
});

/** The subject as a tree: an index and one node per entry, or the subject alone. */
export const treeOf = (verdict: Verdict): TreeNode => {
  const kind = verdict.subject.kind;
  switch (kind) {
    case 'index': {
      const entries = verdict.index?.entries ?? [];
      const claims = new Map<number | undefined, string>();
      for (const found of verdict.reasons)
        if (found.code === 'INDEX_PLATFORM_MISMATCH') claims.set(found.details.entry, found.details.index);
      return {
        ...leaf(
          verdict,
          'error',
          `${verdict.index?.family === 'docker' ? 'manifest list' : 'image index'}, ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`,
        ),
        children: entries.map((entry) => ({
          digest: entry.digest,
          mediaType: entry.mediaType,
          size: entry.size,
          role: entry.role,
          kind: entry.childKind ?? 'unknown',
          platform: entry.platform === null ? null : formatPlatform(entry.platform),
          mark: entryMark(entry),
          label: entryLabel(entry, claims.get(entry.position)),
          children: [],
        })),
      };
    }
    case 'unknown':
      return leaf(verdict, 'error', 'unreadable manifest');
    case 'schema1':
      return leaf(verdict, 'error', 'schema 1 manifest');
    case 'artifact':
      return leaf(verdict, 'ignored', describeArtifact(verdict.subject.artifactKind ?? 'artifact'));
    case 'image': {
      const hasError = verdict.reasons.some((r) => r.severity === 'error');
      const mark: TreeMark =
        hasError || verdict.verdict === 'quarantined' ? 'error' : verdict.reasons.length > 0 ? 'warning' : 'ok';
      return leaf(verdict, mark, `image ${verdict.platform === null ? 'platform unknown' : formatPlatform(verdict.platform)}`);
    }
    default:
      return assertNever(kind, 'subject kind');
  }
};
