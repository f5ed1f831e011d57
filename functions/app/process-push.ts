import type { GuardConfig } from '../config/load-config.js';
import { classifyParsed } from '../core/classify.js';
import type { Digest } from '../core/digest.js';
import { confirmRecovery, parseGuardTag, type TagHistory, tagHistory } from '../core/guard-tag-state.js';
import type { IntegrityAlert } from '../core/integrity-alert.js';
import type { EventSkipCode, PushEvent } from '../core/push-event.js';
import type { SubjectContext } from '../core/subject-context.js';
import type { TagPolicy } from '../core/tag-mutability.js';
import { planTags, probeTags, type TagOutcome } from '../core/tag-plan.js';
import { renderTag } from '../core/tag-template.js';
import type { Verdict } from '../core/verdict.js';
import { isRepositoryWatched } from '../core/wildcard.js';
import { gatherEvidence } from './gather-evidence.js';
import { GuardError } from './guard-error.js';
import type { ChatPoster, FoundImage, Logger, Metrics, Notifier, PublishRequest, RawManifest, Registry } from './ports.js';
import { postToChat } from './post-to-chat.js';
import { verifyGuardTag } from './verify-guard-tag.js';

/** The notification for one verdict (or one failure), rendered for each channel. */
export interface ComposedNotification {
  readonly sns: PublishRequest;
  readonly slack: { readonly text: string; readonly blocks: readonly unknown[] };
}

/** A push as notifications name it: the account's alias added in organization mode. */
export type NamedPush = PushEvent & { readonly accountAlias?: string | null };

/** Turns verdicts into notifications. Pure; implemented by the core renderers. */
export interface Composer {
  verdict(input: { readonly verdict: Verdict; readonly context: SubjectContext; readonly push: NamedPush }): ComposedNotification;
  failure(input: { readonly push: NamedPush; readonly code: string; readonly message: string }): ComposedNotification;
  /** A guard tag on an image that does not earn it. */
  integrity(alert: IntegrityAlert): ComposedNotification;
}

/** Everything the pipeline talks to. Built once per cold start. */
export interface GuardDeps {
  readonly config: GuardConfig;
  readonly registry: Registry;
  readonly notifier: Notifier;
  /** `null` when no Slack webhook is configured. */
  readonly chat: ChatPoster | null;
  /**
   * Loads the composer on first use: most pushes are deployable and silent, so the report layer
   * (explanations, remedies, renderers) is loaded only when someone is notified.
   */
  readonly composer: () => Promise<Composer>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Events whose retryable failure was already reported in this environment (organization mode: a
   * member role the guard cannot assume). Lambda retries the event, and each retry must not notify
   * again; without this set every attempt notifies.
   */
  readonly reportedRetries?: Set<string>;
}

/** What one push came to: logged as one line, returned for tests and the local stack. */
export type PushOutcome =
  | { readonly kind: 'skipped'; readonly code: EventSkipCode; readonly reason: string }
  | { readonly kind: 'duplicate'; readonly verdict: Verdict['verdict']; readonly tags: readonly TagOutcome[] }
  | {
      readonly kind: 'checked';
      readonly verdict: Verdict['verdict'];
      readonly reasons: readonly string[];
      readonly tags: readonly TagOutcome[];
      readonly notificationId: string | null;
      readonly slack: string | null;
    }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly notificationId: string | null }
  /** A guard tag whose image earns it (the guard's own writes, or someone else's correct one): silent. */
  | { readonly kind: 'verified'; readonly tag: string; readonly verdict: Verdict['verdict'] }
  /** A guard tag whose image does not earn it: an integrity alert was published. */
  | {
      readonly kind: 'alert';
      readonly code: string;
      readonly tag: string;
      readonly verdict: Verdict['verdict'];
      readonly notificationId: string;
    };

/** Decides whether the event needs a check at all. */
export const triage = (push: PushEvent, config: GuardConfig): { code: EventSkipCode; reason: string } | null => {
  const organization = config.organization;
  // The central bus admits only the organization; this is the function's own line of defence.
  if (
    organization !== null &&
    push.account !== organization.homeAccount &&
    organization.memberAccounts !== null &&
    !organization.memberAccounts.has(push.account)
  ) {
    return { code: 'ACCOUNT_OUTSIDE_ORGANIZATION', reason: `account ${push.account} is not one the guard acts for` };
  }
  if (!isRepositoryWatched(push.repository, config.includeRepositories, config.excludeRepositories)) {
    return { code: 'REPOSITORY_EXCLUDED', reason: 'repository is not watched by the include/exclude patterns' };
  }
  if (push.tag === null && !config.checkUntagged) {
    return { code: 'UNTAGGED_PUSH', reason: 'untagged push (an index child or a push by digest)' };
  }
  return null;
};

/** A tag the guard intends to write, with the exact bytes it puts under it. */
interface PlannedTag {
  readonly tag: string;
  readonly manifest: RawManifest;
  readonly purpose: TagOutcome['purpose'];
}

/**
 * The guard's pipeline for one push: read the manifest (and the probes of the guard's own tags) in
 * one BatchGetImage, gather the children and blobs the verdict needs, classify, notify, then tag.
 * Tags come last: a redelivered event finds them and neither notifies nor tags twice.
 */
/**
 * Where a push came from: its ECR event, or the scheduled sweep standing in for an event that was
 * lost (the sweep must never notify what the event path may have notified already).
 */
export type PushOrigin = 'event' | 'sweep';

export const processPush = async (deps: GuardDeps, push: PushEvent, origin: PushOrigin = 'event'): Promise<PushOutcome> => {
  const { config, registry, logger, metrics } = deps;
  const skip = triage(push, config);
  if (skip !== null) {
    metrics.count('Skipped', { Reason: skip.code });
    logger.info('skipped', {
      account: push.account,
      region: push.region,
      repository: push.repository,
      tag: push.tag,
      digest: push.digest,
      skip: skip.code,
      reason: skip.reason,
    });
    return { kind: 'skipped', ...skip };
  }

  const tag = push.tag;
  const templates = { deployable: config.deployableTemplate, quarantine: config.quarantineTemplate };
  // A guard tag is checked, whoever wrote it: its image must earn it (the guard's own writes do).
  const guardTag = tag === null ? null : parseGuardTag(tag, templates, config.architectures);
  if (guardTag !== null) return verifyGuardTag(deps, push, guardTag, (error) => handleFailure(deps, push, error));
  const probes = tag === null ? [] : probeTags(tag, templates, config.architectures);

  let found: readonly FoundImage[];
  let policy: TagPolicy;
  try {
    [found, policy] = await Promise.all([
      registry.getImages(push.repository, [{ digest: push.digest }, ...probes.map((probe) => ({ tag: probe }))]),
      config.writeTags && tag !== null
        ? registry.tagPolicy(push.repository)
        : Promise.resolve<TagPolicy>({ mutability: 'UNKNOWN', exclusionFilters: [] }),
    ]);
  } catch (error) {
    return handleFailure(deps, push, error);
  }
  const subject = found.find((image) => 'digest' in image.requested)?.manifest;
  if (subject === undefined) {
    return handleFailure(
      deps,
      push,
      new GuardError('IMAGE_NOT_FOUND', `image ${push.digest} is no longer in ${push.repository}`, false),
    );
  }

  const current = new Map<string, string>();
  for (const image of found) if ('tag' in image.requested) current.set(image.requested.tag, image.manifest.digest);
  const named = tag === null ? undefined : current.get(tag);
  if (named !== undefined && named !== push.digest) {
    const reason = `the tag now names ${named}; that push is checked on its own event`;
    metrics.count('Skipped', { Reason: 'SUPERSEDED' });
    logger.info('skipped', { repository: push.repository, tag, digest: push.digest, skip: 'SUPERSEDED', reason });
    return { kind: 'skipped', code: 'SUPERSEDED', reason };
  }

  let verdict: Verdict;
  let children: ReadonlyMap<string, RawManifest>;
  try {
    const gathered = await gatherEvidence(
      registry.source(push.repository),
      { ...subject, digest: push.digest as Digest },
      { architectures: config.architectures, strict: config.strict },
      config.limits,
    );
    children = gathered.children;
    verdict = classifyParsed(gathered.evidence, { architectures: config.architectures, strict: config.strict });
  } catch (error) {
    return handleFailure(deps, push, error);
  }

  const manifests = new Map<string, RawManifest>([...children, [push.digest, subject]]);
  const predicted =
    tag === null || verdict.verdict === 'skipped'
      ? []
      : planTags({
          tag,
          subjectDigest: push.digest,
          verdict,
          templates,
          available: new Set(manifests.keys()),
          current,
          policy,
          writeTags: config.writeTags,
        });
  const planned: PlannedTag[] = predicted.map((item) => ({
    tag: item.tag,
    purpose: item.purpose,
    manifest: manifests.get(item.digest) as RawManifest,
  }));
  for (const item of predicted) if (item.outcome === 'immutable') metrics.count('ImmutableTags');

  // The verdict tag is the sweep's only record of a notified push: where the repository refuses it,
  // the sweep cannot tell a lost event from a handled one, and leaves the push alone.
  if (origin === 'sweep' && predicted.some((item) => item.purpose === 'verdict' && item.outcome === 'immutable')) {
    const reason = 'the repository refuses the verdict tag, so the sweep cannot tell whether this push was notified';
    metrics.count('Skipped', { Reason: 'VERDICT_TAG_REFUSED' });
    logger.info('skipped', { repository: push.repository, tag, digest: push.digest, skip: 'VERDICT_TAG_REFUSED', reason });
    return { kind: 'skipped', code: 'VERDICT_TAG_REFUSED', reason };
  }

  // Idempotency: tags are written only after the notification was published, so the verdict tag on
  // this digest means a delivery of this event already notified. A redelivery only completes the
  // tags an earlier attempt did not finish, and notifies nobody.
  if (predicted.some((item) => item.purpose === 'verdict' && item.outcome === 'unchanged')) {
    const tags = await writeTags(deps, push, planned, predicted);
    metrics.count('Duplicates');
    logger.info('already checked', {
      repository: push.repository,
      tag,
      digest: push.digest,
      verdict: verdict.verdict,
      tags: tags.map((t) => ({ tag: t.tag, outcome: t.outcome })),
    });
    return { kind: 'duplicate', verdict: verdict.verdict, tags };
  }

  // What the guard's own tags said before this push, from the first read's probes (no extra call).
  const quarantineTag = tag === null ? null : renderTag(templates.quarantine, tag);
  const history =
    tag === null || quarantineTag === null
      ? { stale: [], recoveredFrom: null, recoveryToConfirm: null }
      : tagHistory({
          verdict,
          subjectDigest: push.digest,
          planned: predicted,
          current,
          quarantineTag,
          deployableTags: probes.filter((probe) => probe !== tag && probe !== quarantineTag),
        });
  // Push times are read only when they matter: to confirm a recovery before deciding to notify, and
  // to date stale tags in a notification that will go out (or may, when a recovery is pending).
  const mayNotify =
    verdict.verdict === 'quarantined' ||
    (verdict.verdict === 'deployable' &&
      (config.notifyOnDeployable || history.recoveredFrom !== null || history.recoveryToConfirm !== null));
  const dated = await withPushTimes(deps, push, history, mayNotify);
  // A recovery is news even when deployable pushes are not announced: the last word was "quarantined".
  const shouldNotify =
    verdict.verdict === 'quarantined' ||
    (verdict.verdict === 'deployable' && (config.notifyOnDeployable || dated.recoveredFrom !== null));
  let notificationId: string | null = null;
  let slack: string | null = null;
  let slackPost: Promise<string | null> = Promise.resolve(null);
  if (shouldNotify) {
    const context: SubjectContext = {
      repository: push.repository,
      tag,
      repositoryUri: `${push.account}.dkr.ecr.${push.region}.amazonaws.com/${push.repository}`,
      region: push.region,
      architectures: config.architectures,
      source: `ecr:${push.repository}`,
      tagging: predicted,
      history: dated,
      ...(config.organization === null ? {} : { account: { id: push.account, alias: accountAlias(config, push) } }),
    };
    const message = (await deps.composer()).verdict({ verdict, context, push: withAlias(config, push) });
    // A failed Publish throws: nothing is tagged yet, so Lambda's retry starts clean.
    notificationId = (await deps.notifier.publish(message.sns)).messageId;
    // Slack never fails the check and is not the idempotency marker, so it need not land before the
    // tags: posting while they are written saves one sequential round trip per notified push.
    slackPost = postToChat(deps, message.slack, push);
  }

  let tags: TagOutcome[];
  // postToChat never rejects; `finally` lets the post finish even when a tag write fails.
  try {
    tags = await writeTags(deps, push, planned, predicted);
  } finally {
    slack = await slackPost;
  }

  metrics.count('Verdicts', { Verdict: verdict.verdict });
  const reasons = verdict.reasons.map((r) => r.code);
  logger.info('checked', {
    account: push.account,
    region: push.region,
    repository: push.repository,
    tag,
    digest: push.digest,
    verdict: verdict.verdict,
    reasons,
    staleTags: dated.stale,
    recoveredFrom: dated.recoveredFrom,
    deployableChild: verdict.deployableChild?.digest ?? null,
    tags: tags.map((t) => ({ tag: t.tag, outcome: t.outcome })),
    notificationId,
    slack,
  });
  return { kind: 'checked', verdict: verdict.verdict, reasons, tags, notificationId, slack };
};

/**
 * Push times in one DescribeImages call, made only when a recovery needs confirming or a
 * notification names stale tags (`dateStale`). Times are worth less than the check: a refusal or an
 * outage is logged, never retried; stale tags then go undated and a pending recovery is not
 * announced (a missed "deployable again" is quieter than a repeated one).
 */
const withPushTimes = async (deps: GuardDeps, push: PushEvent, history: TagHistory, dateStale: boolean): Promise<TagHistory> => {
  const recovery = history.recoveryToConfirm;
  const digests = new Set([
    ...(dateStale ? history.stale.map((item) => item.digest) : []),
    ...(recovery === null ? [] : [recovery.quarantined, ...recovery.deployable]),
  ]);
  if (digests.size === 0) return history;
  let times: ReadonlyMap<string, number> = new Map();
  try {
    times = await deps.registry.pushedAt(push.repository, [...digests] as Digest[]);
  } catch (error) {
    deps.logger.warn('push times not read', { repository: push.repository, error: (error as Error).message });
  }
  const dated = { ...history, stale: history.stale.map((item) => ({ ...item, pushedAt: times.get(item.digest) ?? null })) };
  return confirmRecovery(dated, times);
};

/**
 * Writes the planned tags, all at once (one round trip): a tag already in place or refused by
 * immutability is not sent. Every write settles before a retryable failure is rethrown, so a
 * Lambda retry only has to finish what failed (and, seeing the verdict tag, does not notify again).
 */
const writeTags = async (
  deps: GuardDeps,
  push: PushEvent,
  planned: readonly PlannedTag[],
  predicted: readonly TagOutcome[],
): Promise<TagOutcome[]> => {
  const { registry, metrics, logger } = deps;
  const settled = await Promise.allSettled(
    planned.map(async (item, i): Promise<TagOutcome> => {
      const prediction = predicted[i];
      const base = { tag: item.tag, digest: item.manifest.digest, purpose: item.purpose };
      if (!deps.config.writeTags) return { ...base, outcome: 'planned' };
      if (prediction !== undefined && prediction.outcome !== 'planned') return prediction;
      try {
        const result = await registry.putTag(push.repository, item.tag, item.manifest);
        if (result === 'immutable') metrics.count('ImmutableTags');
        return {
          ...base,
          outcome: result,
          ...(result === 'immutable' ? { message: `the repository's tags are immutable and ${item.tag} already exists` } : {}),
        };
      } catch (error) {
        // Only a retryable failure goes back to Lambda. A refusal no retry can change (access denied,
        // KMS, a bad request) would fail every attempt: report it instead.
        if (!(error instanceof GuardError) || error.retryable) throw error;
        metrics.count('TagFailures', { Code: error.code });
        logger.warn('tag not written', {
          repository: push.repository,
          tag: item.tag,
          digest: item.manifest.digest,
          code: error.code,
          error: error.message,
        });
        return { ...base, outcome: 'failed', message: error.message };
      }
    }),
  );
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<TagOutcome>).value);
};

const accountAlias = (config: GuardConfig, push: PushEvent): string | null =>
  config.organization?.aliases.get(push.account) ?? null;

/** The push as notifications name it: with the account's alias in organization mode. */
const withAlias = (config: GuardConfig, push: PushEvent): NamedPush => ({
  ...push,
  accountAlias: accountAlias(config, push),
});

/**
 * Failures worth a notification although Lambda retries them: the check cannot happen until
 * someone acts (the member role is missing or does not trust the guard), and the event then waits
 * in the failure queue for a replay. Transient outages are not news and are never reported.
 */
const REPORTED_BEFORE_RETRY = new Set(['CANNOT_ASSUME_ROLE']);

/** Retryable failures go back to Lambda; permanent ones are logged, counted and reported. */
const handleFailure = async (deps: GuardDeps, push: PushEvent, error: unknown): Promise<PushOutcome> => {
  const guardError =
    error instanceof GuardError
      ? error
      : new GuardError('UNAVAILABLE', (error as Error)?.message ?? String(error), true, { cause: error });
  deps.metrics.count('Failures', { Code: guardError.code });
  if (guardError.retryable) {
    let notificationId: string | null = null;
    const key = `${push.account}/${push.eventId}/${push.digest}`;
    if (REPORTED_BEFORE_RETRY.has(guardError.code) && deps.reportedRetries?.has(key) !== true) {
      // Marked before publishing: a concurrent delivery of the same event must not report it too.
      deps.reportedRetries?.add(key);
      try {
        const message = (await deps.composer()).failure({
          push: withAlias(deps.config, push),
          code: guardError.code,
          message: guardError.message,
        });
        notificationId = (await deps.notifier.publish(message.sns)).messageId;
        await postToChat(deps, message.slack, push);
      } catch (publishError) {
        deps.reportedRetries?.delete(key);
        throw publishError;
      }
    }
    deps.logger.error('check failed, will be retried', {
      account: push.account,
      region: push.region,
      repository: push.repository,
      digest: push.digest,
      code: guardError.code,
      error: guardError.message,
      notificationId,
    });
    throw guardError;
  }
  let notificationId: string | null = null;
  let slack: string | null = null;
  // A vanished image is not news; a guard that cannot read or tag is, so it reports those.
  if (guardError.code !== 'IMAGE_NOT_FOUND') {
    const message = (await deps.composer()).failure({
      push: withAlias(deps.config, push),
      code: guardError.code,
      message: guardError.message,
    });
    notificationId = (await deps.notifier.publish(message.sns)).messageId;
    // The composer renders the failure for Slack too; the team's channel must hear of it as well.
    slack = await postToChat(deps, message.slack, push);
  }
  deps.logger.error('check failed permanently', {
    account: push.account,
    region: push.region,
    repository: push.repository,
    tag: push.tag,
    digest: push.digest,
    code: guardError.code,
    error: guardError.message,
    notificationId,
    slack,
  });
  return { kind: 'failed', code: guardError.code, message: guardError.message, notificationId };
};
