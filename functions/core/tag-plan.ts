import type { LambdaArchitecture } from './platform.js';
import { isTagImmutable, type TagPolicy } from './tag-mutability.js';
import { renderTag, type TagTemplate } from './tag-template.js';
import type { Verdict } from './verdict.js';

/** One tag the guard wrote, would write, or could not write. */
export interface TagOutcome {
  readonly tag: string;
  readonly digest: string;
  /** `created`: written now; `unchanged`: already there; `planned`: not yet written (dry run, CLI); `immutable`: refused by tag immutability; `failed`: another error. */
  readonly outcome: 'created' | 'unchanged' | 'planned' | 'immutable' | 'failed';
  readonly purpose: 'verdict' | 'deployable-child';
  readonly message?: string;
}

/** The guard's two tag templates. */
export interface GuardTemplates {
  readonly deployable: TagTemplate;
  readonly quarantine: TagTemplate;
}

/**
 * The tags the first BatchGetImage probes besides the pushed digest: the pushed tag itself (events
 * arrive late and out of order, and a tag that already names a newer push must not get this push's
 * verdict) and every tag the guard could write for it.
 */
export const probeTags = (tag: string, templates: GuardTemplates, architectures: readonly LambdaArchitecture[]): string[] => {
  const deployable = (architectures.length === 0 ? [undefined] : architectures).map((arch) =>
    renderTag(templates.deployable, tag, arch),
  );
  return [...new Set([tag, renderTag(templates.quarantine, tag), ...deployable])];
};

/** What the tag plan needs to know of the registry, as the first round trip found it. */
export interface TagPlanInput {
  readonly tag: string;
  /** The pushed digest. */
  readonly subjectDigest: string;
  readonly verdict: Verdict;
  readonly templates: GuardTemplates;
  /** Digests whose manifest bytes are at hand (a tag is the same bytes put again). */
  readonly available: ReadonlySet<string>;
  /** What each probed tag names now. */
  readonly current: ReadonlyMap<string, string>;
  readonly policy: TagPolicy;
  /** False in report-only mode: tags are planned, never refused by immutability. */
  readonly writeTags: boolean;
}

/**
 * The tags a verdict earns and what writing each would do: the verdict tag on the pushed digest,
 * and for a quarantined index the deployable tag on its runnable child. A tag already naming the
 * right digest is `unchanged`; one an immutable repository would refuse is `immutable` (reported,
 * never attempted); the rest are `planned`. Skipped verdicts earn no tags.
 */
export const planTags = (input: TagPlanInput): TagOutcome[] => {
  const { tag, verdict, templates } = input;
  const wanted: { tag: string; digest: string; purpose: TagOutcome['purpose'] }[] = [];
  if (verdict.verdict === 'quarantined') {
    const child = verdict.deployableChild;
    if (child !== null && input.available.has(child.digest)) {
      const arch = child.platform?.lambdaArchitecture ?? undefined;
      wanted.push({ tag: renderTag(templates.deployable, tag, arch), digest: child.digest, purpose: 'deployable-child' });
    }
    wanted.push({ tag: renderTag(templates.quarantine, tag), digest: input.subjectDigest, purpose: 'verdict' });
  } else if (verdict.verdict === 'deployable') {
    const arch = verdict.platform?.lambdaArchitecture ?? undefined;
    wanted.push({ tag: renderTag(templates.deployable, tag, arch), digest: input.subjectDigest, purpose: 'verdict' });
  }
  return wanted.map((item) => {
    const now = input.current.get(item.tag);
    const blocked = input.writeTags && now !== undefined && now !== item.digest && isTagImmutable(input.policy, item.tag);
    if (blocked) {
      return {
        ...item,
        outcome: 'immutable',
        message: `the repository's tags are immutable and ${item.tag} already names ${now}`,
      };
    }
    return { ...item, outcome: now === item.digest ? 'unchanged' : 'planned' };
  });
};
