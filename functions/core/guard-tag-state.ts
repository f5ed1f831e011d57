/**
 * The state of one guard tag (`{tag}-deployable`, `{tag}-quarantined`, ...) relative to its base tag,
 * whoever wrote it. Pure: the caller reads the registry (what each tag names) and judges images by
 * digest (`classify`); this file only compares. Used by the push pipeline (a guard tag pushed by
 * someone else, a tag that moved) and by audits of a whole repository.
 *
 *   present  the guard tag names the digest the guard would tag for what the base tag names now
 *   missing  the base tag's image earns the guard tag and it is not there
 *   stale    the guard tag names another image that did earn it (an older push of the base tag)
 *   foreign  the guard tag names an image that does not earn it (someone else wrote it, or a bug)
 *   absent   nothing expected, nothing there
 */
import type { LambdaArchitecture } from './platform.js';
import type { GuardTemplates, TagOutcome } from './tag-plan.js';
import { renderTag } from './tag-template.js';
import type { Verdict } from './verdict.js';

/** Which promise a guard tag makes: the image runs on Lambda, or it does not. */
export type GuardTagKind = 'deployable' | 'quarantined';

/** A tag name read as one of the guard's tags. */
export interface GuardTagName {
  readonly tag: string;
  readonly kind: GuardTagKind;
  /** The architecture in the tag (templates with `{arch}`); `null` when the template has none or says `any`. */
  readonly architecture: LambdaArchitecture | null;
  /**
   * The base tag whose guard tag this is: the name without its suffix, when rendering that base gives
   * this name back; `null` otherwise (a name too long for renderTag to have written). A base tag that
   * renderTag had to rewrite (cut and hashed, characters replaced) is not recoverable from the name:
   * the rewritten prefix is returned, which is itself the tag that would carry this guard tag.
   */
  readonly base: string | null;
}

/**
 * Reads a tag as a guard tag, or returns `null` for an ordinary tag. The longest matching suffix
 * wins, so `{tag}-{arch}-deployable` is never mistaken for a shorter template.
 */
export const parseGuardTag = (
  tag: string,
  templates: GuardTemplates,
  architectures: readonly LambdaArchitecture[],
): GuardTagName | null => {
  const candidates: { suffix: string; kind: GuardTagKind; architecture: LambdaArchitecture | null }[] = [];
  const arches: readonly (LambdaArchitecture | null)[] = templates.deployable.usesArch
    ? [...new Set<LambdaArchitecture | null>([...architectures, 'x86_64', 'arm64', null])]
    : [null];
  for (const architecture of arches) {
    const suffix = templates.deployable.suffix.replaceAll('{arch}', architecture ?? 'any');
    candidates.push({ suffix, kind: 'deployable', architecture });
  }
  candidates.push({ suffix: templates.quarantine.suffix.replaceAll('{arch}', 'any'), kind: 'quarantined', architecture: null });
  const match = candidates
    .filter((candidate) => tag.endsWith(candidate.suffix) && tag.length > candidate.suffix.length)
    .sort((a, b) => b.suffix.length - a.suffix.length)[0];
  if (match === undefined) return null;
  const stripped = tag.slice(0, -match.suffix.length);
  const template = match.kind === 'deployable' ? templates.deployable : templates.quarantine;
  const reversible = renderTag(template, stripped, match.architecture ?? undefined) === tag;
  return { tag, kind: match.kind, architecture: match.architecture, base: reversible ? stripped : null };
};

/**
 * True when the image a verdict judged (by its own digest) earns the guard tag: a deployable tag
 * only on an image that is itself deployable (for the tag's architecture, when it names one), a
 * quarantine tag only on an image that is quarantined. An index earns no deployable tag: its
 * runnable child does.
 */
export const earnsGuardTag = (verdict: Verdict, kind: GuardTagKind, architecture: LambdaArchitecture | null): boolean => {
  if (kind === 'quarantined') return verdict.verdict === 'quarantined';
  if (verdict.verdict !== 'deployable') return false;
  return architecture === null || verdict.platform?.lambdaArchitecture === architecture;
};

/** What is known about one guard tag. Digests are compared as strings. */
export interface GuardTagFacts {
  /** What the guard tag names now, or `null` when it does not exist. */
  readonly names: string | null;
  /**
   * The digest the guard would give this tag for what the base tag names now (the tag plan), or
   * `null` when the base tag is gone or its image earns no such tag.
   */
  readonly expected: string | null;
  /** Whether the image the guard tag names earns it on its own (`earnsGuardTag`); read only when it is not `expected`. */
  readonly namedEarnsIt: boolean;
}

export type GuardTagState =
  | { readonly state: 'present'; readonly digest: string }
  | { readonly state: 'missing'; readonly expected: string }
  | { readonly state: 'stale'; readonly names: string; readonly expected: string | null }
  | { readonly state: 'foreign'; readonly names: string; readonly expected: string | null }
  | { readonly state: 'absent' };

/**
 * Compares a guard tag with what it should name. A tag on the wrong image is `foreign` when that
 * image does not earn it (the promise is false: an alert), `stale` when it does (the promise is
 * true of an older image: news, not an alarm).
 */
export const guardTagState = (facts: GuardTagFacts): GuardTagState => {
  if (facts.names === null) return facts.expected === null ? { state: 'absent' } : { state: 'missing', expected: facts.expected };
  if (facts.names === facts.expected) return { state: 'present', digest: facts.names };
  return facts.namedEarnsIt
    ? { state: 'stale', names: facts.names, expected: facts.expected }
    : { state: 'foreign', names: facts.names, expected: facts.expected };
};

/** What the guard's own tags said before this push, from the probes the first read already made. */
export interface TagHistory {
  /**
   * Deployable tags that will still name an earlier image of the base tag after this push (this
   * push does not move them: it earns no such tag, or the repository refuses the move), with when
   * that image was pushed (the guard checks an image on its push) when the registry said.
   */
  readonly stale: readonly { readonly tag: string; readonly digest: string; readonly pushedAt: number | null }[];
  /** For a deployable push: the earlier image the quarantine tag names (the push this one recovers from). */
  readonly recoveredFrom: string | null;
  /**
   * A recovery that only push times can confirm: the quarantine tag and a deployable tag both name
   * earlier images, and it is a recovery only when the quarantined image is the newer of them
   * (otherwise the recovery was announced already, by the push that wrote that deployable tag).
   */
  readonly recoveryToConfirm: { readonly quarantined: string; readonly deployable: readonly string[] } | null;
}

/** Outcomes after which a planned tag names what this push earns: it is not left behind. */
const MOVED: ReadonlySet<TagOutcome['outcome']> = new Set(['created', 'unchanged', 'planned']);

/**
 * Reads the history of a base tag off the probes of its guard tags (no extra round trip): a
 * deployable tag that names another image and that this push does not move is `stale` (the guard
 * wrote it for an earlier push; a foreign one raised its own alert when it was pushed), and a
 * deployable push whose quarantine tag names an earlier image is a recovery when nothing deployable
 * was announced since (see {@link TagHistory.recoveryToConfirm}).
 */
export const tagHistory = (input: {
  readonly verdict: Verdict;
  readonly subjectDigest: string;
  /** The tag plan: the tags the verdict earns, their digests and what writing them will do. */
  readonly planned: readonly Pick<TagOutcome, 'tag' | 'digest' | 'outcome'>[];
  /** What each probed tag names now. */
  readonly current: ReadonlyMap<string, string>;
  readonly quarantineTag: string;
  readonly deployableTags: readonly string[];
}): TagHistory => {
  const earlier = input.deployableTags.flatMap((tag) => {
    const names = input.current.get(tag);
    const plan = input.planned.find((item) => item.tag === tag);
    if (names === undefined || names === plan?.digest) return [];
    return [{ tag, digest: names, moved: plan !== undefined && MOVED.has(plan.outcome) }];
  });
  const stale = earlier.filter((item) => !item.moved).map(({ tag, digest }) => ({ tag, digest, pushedAt: null }));
  const quarantined = input.current.get(input.quarantineTag);
  if (input.verdict.verdict !== 'deployable' || quarantined === undefined || quarantined === input.subjectDigest) {
    return { stale, recoveredFrom: null, recoveryToConfirm: null };
  }
  const deployable = [...new Set(earlier.map((item) => item.digest).filter((digest) => digest !== quarantined))];
  return deployable.length === 0
    ? { stale, recoveredFrom: quarantined, recoveryToConfirm: null }
    : { stale, recoveredFrom: null, recoveryToConfirm: { quarantined, deployable } };
};

/**
 * Settles a recovery with push times (epoch ms by digest): the quarantined image pushed after every
 * image a deployable tag names means the last word was "quarantined". Unknown times settle nothing:
 * a missed "deployable again" is quieter than one repeated on every later push.
 */
export const confirmRecovery = (history: TagHistory, pushedAt: ReadonlyMap<string, number>): TagHistory => {
  const candidate = history.recoveryToConfirm;
  if (candidate === null) return history;
  const quarantinedAt = pushedAt.get(candidate.quarantined);
  const times = candidate.deployable.map((digest) => pushedAt.get(digest));
  const newer = quarantinedAt !== undefined && times.every((time) => time !== undefined && time < quarantinedAt);
  return { ...history, recoveredFrom: newer ? candidate.quarantined : null, recoveryToConfirm: null };
};
