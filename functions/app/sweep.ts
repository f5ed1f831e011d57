import type { Digest } from '../core/digest.js';
import { parseGuardTag } from '../core/guard-tag-state.js';
import type { PushEvent } from '../core/push-event.js';
import { probeTags } from '../core/tag-plan.js';
import { shortHash } from '../core/tag-template.js';
import { isRepositoryWatched } from '../core/wildcard.js';
import { repositoryHome } from './apply-audit.js';
import { GuardError } from './guard-error.js';
import type { ListedRepository, RegistryCatalog } from './ports.js';
import { type GuardDeps, type PushOutcome, processPush } from './process-push.js';

/**
 * Pushes younger than this are left to their event: it normally arrives within seconds, and a
 * sweep that checked a push while its event was being handled could notify it twice.
 */
export const SWEEP_SETTLE_MS = 15 * 60 * 1000;
/** Time kept back from the invocation's remaining time, so a sweep ends before the function's timeout. */
const TIME_MARGIN_MS = 10_000;
const HOUR_MS = 60 * 60 * 1000;

/** What one sweep did. */
export interface SweepOutcome {
  readonly kind: 'swept';
  readonly repositories: number;
  /** Tags pushed in the window with no verdict tag on their image. */
  readonly candidates: number;
  readonly checked: number;
  /** Candidates left for the next sweep (work or time budget spent). */
  readonly remaining: number;
  readonly notified: number;
  readonly failures: number;
}

interface Candidate {
  readonly repository: ListedRepository;
  readonly tag: string;
  readonly digest: string;
  readonly pushedAt: number;
}

/** The watched repositories, listed (DescribeRepositories) and matched against the include and exclude patterns. */
async function* watchedRepositories(deps: GuardDeps, catalog: RegistryCatalog): AsyncGenerator<ListedRepository> {
  const { includeRepositories: include, excludeRepositories: exclude } = deps.config;
  for await (const repository of catalog.repositories()) {
    if (isRepositoryWatched(repository.name, include, exclude)) yield repository;
  }
}

/**
 * The scheduled sweep: finds the tags of watched repositories pushed in the window (two sweep
 * intervals back, up to {@link SWEEP_SETTLE_MS} ago) whose image carries none of the tag's verdict
 * tags, and runs each through the push pipeline exactly as its event would have (same checks, same
 * notification, same tags). Tags are the idempotency mark: a push the event path handled carries
 * its verdict tag and is not even a candidate, and one that is handled meanwhile is a duplicate the
 * pipeline does not notify. Oldest first, at most `maxTags` per run and within the invocation's
 * time: what is left is still untagged and in the window of the next run.
 */
export const runSweep = async (
  deps: GuardDeps,
  catalog: RegistryCatalog,
  input: { readonly now: number; readonly remainingMs: () => number },
): Promise<SweepOutcome> => {
  const { config, metrics, logger } = deps;
  if (!config.writeTags) {
    // Without verdict tags nothing records which pushes were notified: every sweep would repeat them.
    logger.warn('sweep skipped: GUARD_WRITE_TAGS is false, so no verdict tag records a notified push');
    return { kind: 'swept', repositories: 0, candidates: 0, checked: 0, remaining: 0, notified: 0, failures: 0 };
  }
  const interval = Math.max(1, config.sweep.intervalHours) * HOUR_MS;
  const since = input.now - 2 * interval;
  const until = input.now - SWEEP_SETTLE_MS;
  const templates = { deployable: config.deployableTemplate, quarantine: config.quarantineTemplate };
  const candidates: Candidate[] = [];
  let repositories = 0;
  for await (const repository of watchedRepositories(deps, catalog)) {
    repositories += 1;
    const tagsOf = new Map<string, readonly string[]>();
    const pushed: { tag: string; digest: string; pushedAt: number }[] = [];
    for await (const image of catalog.taggedImages(repository.name)) {
      tagsOf.set(image.digest, image.tags);
      if (image.pushedAt === null || image.pushedAt < since || image.pushedAt > until) continue;
      for (const tag of image.tags) {
        if (parseGuardTag(tag, templates, config.architectures) === null) {
          pushed.push({ tag, digest: image.digest, pushedAt: image.pushedAt });
        }
      }
    }
    for (const item of pushed) {
      const own = new Set(tagsOf.get(item.digest) ?? []);
      const handled = probeTags(item.tag, templates, config.architectures).some((probe) => probe !== item.tag && own.has(probe));
      if (!handled) candidates.push({ repository, ...item });
    }
  }
  candidates.sort((a, b) => a.pushedAt - b.pushedAt || a.tag.localeCompare(b.tag));
  metrics.count('SweepCandidates', {}, candidates.length);

  let checked = 0;
  let notified = 0;
  let failures = 0;
  for (const candidate of candidates) {
    if (checked >= config.sweep.maxTags || input.remainingMs() < TIME_MARGIN_MS) break;
    const home = repositoryHome(candidate.repository.uri);
    const push: PushEvent = {
      // One id per tag: several tags of one image are several pushes to whoever dedupes on the id.
      eventId: `sweep-${candidate.digest.slice('sha256:'.length, 'sha256:'.length + 16)}-${shortHash(candidate.tag)}`,
      account: home.account,
      region: home.region,
      time: new Date(candidate.pushedAt).toISOString(),
      repository: candidate.repository.name,
      digest: candidate.digest as Digest,
      tag: candidate.tag,
      manifestMediaType: null,
      artifactMediaType: null,
    };
    checked += 1;
    let outcome: PushOutcome;
    try {
      outcome = await processPush(deps, push, 'sweep');
    } catch (error) {
      // A retryable failure of one tag must not stop the sweep: the tag stays untagged and in the next window.
      failures += 1;
      logger.warn('sweep: check failed, left for the next sweep', {
        repository: push.repository,
        tag: push.tag,
        digest: push.digest,
        error: error instanceof GuardError ? error.code : String(error),
      });
      continue;
    }
    if ((outcome.kind === 'checked' || outcome.kind === 'failed') && outcome.notificationId !== null) notified += 1;
  }
  const remaining = candidates.length - checked;
  metrics.count('SweepChecked', {}, checked);
  metrics.count('SweepRemaining', {}, remaining);
  const outcome: SweepOutcome = {
    kind: 'swept',
    repositories,
    candidates: candidates.length,
    checked,
    remaining,
    notified,
    failures,
  };
  logger.info('swept', { ...outcome, since: new Date(since).toISOString(), until: new Date(until).toISOString() });
  const oldestLeft = candidates[checked];
  if (oldestLeft !== undefined) {
    // Left tags stay candidates only while in the window: say when the oldest leaves it.
    logger.warn('sweep left tags unchecked', {
      remaining,
      oldest: {
        repository: oldestLeft.repository.name,
        tag: oldestLeft.tag,
        pushedAt: new Date(oldestLeft.pushedAt).toISOString(),
      },
      leavesWindowAt: new Date(oldestLeft.pushedAt + 2 * interval).toISOString(),
    });
  }
  return outcome;
};
