import { guardTagState } from './guard-tag-state.js';
import type { LambdaArchitecture } from './platform.js';
import { type GuardTemplates, probeTags, type TagOutcome } from './tag-plan.js';
import { renderTag } from './tag-template.js';

/**
 * The state of one guard tag of a checked tag, as an audit reports it:
 * - `present`: the tag the guard would write names the digest it would name;
 * - `missing`: the guard would write it and it is not there (the push event was lost, or came
 *   before the guard);
 * - `stale`: it names another image that does deserve it (left by an earlier push of the tag);
 * - `foreign`: it names an image that does not deserve it (no guard wrote that: someone else did).
 */
export type GuardTagFindingState = 'present' | 'missing' | 'stale' | 'foreign';

/** One guard tag of a checked tag. */
export interface GuardTagFinding {
  readonly tag: string;
  readonly state: GuardTagFindingState;
  /** What the tag names now (null when missing). */
  readonly digest: string | null;
  /** What the guard would make it name (null when the verdict earns no such tag). */
  readonly expected: string | null;
  readonly kind: 'deployable' | 'quarantine';
}

/** What {@link auditGuardTags} needs. */
export interface GuardTagAuditInput {
  readonly tag: string;
  readonly templates: GuardTemplates;
  readonly architectures: readonly LambdaArchitecture[];
  /** The tags the verdict earns (from `planTags`). */
  readonly planned: readonly TagOutcome[];
  /** What each tag of the repository names now. */
  readonly current: ReadonlyMap<string, string>;
  /** Whether an image earns this guard tag on its own (`earnsGuardTag` of its own verdict). */
  readonly deserves: (digest: string, tag: string) => boolean;
}

/**
 * Reports every guard tag of `tag`: those the verdict earns (present, missing, stale or foreign) and
 * those it does not earn but that exist (stale or foreign). Pure: the caller read the registry.
 */
export const auditGuardTags = (input: GuardTagAuditInput): GuardTagFinding[] => {
  const quarantineTag = renderTag(input.templates.quarantine, input.tag);
  const kindOf = (tag: string): 'deployable' | 'quarantine' => (tag === quarantineTag ? 'quarantine' : 'deployable');
  // The states are the push pipeline's (`guardTagState`): one definition of stale and foreign.
  const judge = (tag: string, now: string, expected: string | null): GuardTagFindingState => {
    const judged = guardTagState({ names: now, expected, namedEarnsIt: now !== expected && input.deserves(now, tag) });
    return judged.state === 'absent' ? 'missing' : judged.state;
  };
  const findings: GuardTagFinding[] = input.planned.map((item) => {
    const now = input.current.get(item.tag);
    return {
      tag: item.tag,
      state: now === undefined ? 'missing' : judge(item.tag, now, item.digest),
      digest: now ?? null,
      expected: item.digest,
      kind: kindOf(item.tag),
    };
  });
  const earned = new Set(input.planned.map((item) => item.tag));
  for (const probe of probeTags(input.tag, input.templates, input.architectures)) {
    const now = input.current.get(probe);
    if (probe === input.tag || earned.has(probe) || now === undefined) continue;
    findings.push({ tag: probe, state: judge(probe, now, null), digest: now, expected: null, kind: kindOf(probe) });
  }
  return findings;
};
