import type { EntryAnalysis } from './index-analysis.js';
import type { IndexManifest } from './manifest.js';
import { familyOf } from './media-type.js';
import { formatPlatform } from './platform.js';
import type { EntryRole, SubjectKind, TreeMark, TreeNode } from './verdict.js';

/** A tree with one node: the subject alone. */
export const singleNodeTree = (node: {
  digest: string;
  mediaType: string;
  size: number;
  kind: SubjectKind;
  mark: TreeMark;
  label: string;
}): TreeNode => ({ ...node, role: 'subject', platform: null, children: [] });

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

const entryLabel = (entry: EntryAnalysis, chosen: EntryAnalysis | null): string => {
  const platform = entry.platform === null ? null : formatPlatform(entry.platform);
  const words = ROLE_WORDS[entry.role];
  switch (entry.role) {
    case 'runnable':
      return `${words} ${platform ?? '(platform unknown)'}${entry === chosen ? ' — deployable' : ''}`;
    case 'image': {
      const why = entry.findings?.reasons.find((r) => r.severity === 'error')?.code;
      return `${words} ${platform ?? '(platform unknown)'}${why === undefined ? ' — not runnable on Lambda' : ` — ${why}`}`;
    }
    case 'attestation': {
      const what = entry.predicateTypes.length > 0 ? ` (${describePredicates(entry.predicateTypes)})` : '';
      const of = entry.attests === null ? '' : ` for ${entry.attests.slice(0, 19)}`;
      return `${words}${what}${of}`;
    }
    case 'invalid':
      return `${words}${entry.problem === null ? '' : `: ${entry.problem.code}`}`;
    default:
      return platform === null || platform === 'unknown/unknown' ? words : `${words} ${platform}`;
  }
};

const entryMark = (entry: EntryAnalysis, chosen: EntryAnalysis | null): TreeMark => {
  if (entry.role === 'runnable') {
    if (entry === chosen) return entry.findings?.reasons.some((r) => r.severity === 'warning') ? 'warning' : 'ok';
    return 'warning';
  }
  if (entry.role === 'image' || entry.role === 'invalid' || entry.role === 'index') return 'error';
  return 'ignored';
};

/** The index as a tree: the index (which Lambda refuses) and one node per entry. */
export const buildTree = (index: IndexManifest, entries: readonly EntryAnalysis[], chosen: EntryAnalysis | null): TreeNode => ({
  digest: index.digest,
  mediaType: index.mediaType,
  size: index.size,
  role: 'subject',
  kind: 'index',
  platform: null,
  mark: 'error',
  label: `${familyOf(index.mediaType) === 'docker' ? 'manifest list' : 'image index'}, ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`,
  children: entries.map((entry) => ({
    digest: entry.descriptor.digest,
    mediaType: entry.descriptor.mediaType,
    size: entry.descriptor.size,
    role: entry.role,
    kind: entry.child === null ? 'unknown' : entry.child.kind,
    platform: entry.platform === null ? null : formatPlatform(entry.platform),
    mark: entryMark(entry, chosen),
    label: entryLabel(entry, chosen),
    children: [],
  })),
});
