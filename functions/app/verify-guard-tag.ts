import { classifyParsed } from '../core/classify.js';
import type { Digest } from '../core/digest.js';
import { earnsGuardTag, type GuardTagName } from '../core/guard-tag-state.js';
import { FOREIGN_GUARD_TAG, type IntegrityAlert } from '../core/integrity-alert.js';
import type { PushEvent } from '../core/push-event.js';
import { gatherEvidence } from './gather-evidence.js';
import { GuardError } from './guard-error.js';
import { postToChat } from './post-to-chat.js';
import type { GuardDeps, PushOutcome } from './process-push.js';

/**
 * Checks a guard tag, whoever pushed it: the image it names is judged by its own digest (manifest
 * and config, as `inspect` by digest would) and must earn the tag. The guard's own writes pass
 * silently; a tag that promises what its image does not deliver is an integrity alert.
 *
 * No loops: this path never writes a tag, so a guard tag event causes at most this one invocation.
 */
export const verifyGuardTag = async (
  deps: GuardDeps,
  push: PushEvent,
  name: GuardTagName,
  fail: (error: unknown) => Promise<PushOutcome>,
): Promise<PushOutcome> => {
  const { config, registry, logger, metrics } = deps;
  let verdict: ReturnType<typeof classifyParsed>;
  let missing: readonly { readonly digest: string; readonly purpose: string; readonly reason: string }[];
  try {
    // The guard tag itself is probed too: if it moved on since this push, the later event checks it.
    const found = await registry.getImages(push.repository, [{ digest: push.digest }, { tag: name.tag }]);
    const subject = found.find((image) => 'digest' in image.requested)?.manifest;
    const now = found.find((image) => 'tag' in image.requested)?.manifest.digest;
    if (subject === undefined || (now !== undefined && now !== push.digest)) {
      const reason =
        subject === undefined ? 'the image is gone' : `the tag now names ${now}; that push is checked on its own event`;
      metrics.count('Skipped', { Reason: 'SUPERSEDED' });
      logger.info('skipped', { repository: push.repository, tag: name.tag, digest: push.digest, skip: 'SUPERSEDED', reason });
      return { kind: 'skipped', code: 'SUPERSEDED', reason };
    }
    const options = { architectures: config.architectures, strict: config.strict };
    // The verdict never depends on the provenance statement (it names the builder for the fix
    // text), so verification does not read it: one round trip fewer for an index's tags.
    const gathered = await gatherEvidence(
      registry.source(push.repository),
      { ...subject, digest: push.digest as Digest },
      options,
      { ...config.limits, maxProvenanceBytes: 0 },
    );
    verdict = classifyParsed(gathered.evidence, options);
    missing = gathered.log.missing;
  } catch (error) {
    return fail(error);
  }

  const fields = { repository: push.repository, tag: name.tag, digest: push.digest, verdict: verdict.verdict };
  if (earnsGuardTag(verdict, name.kind, name.architecture)) {
    metrics.count('GuardTagsVerified');
    logger.info('guard tag verified', fields);
    return { kind: 'verified', tag: name.tag, verdict: verdict.verdict };
  }

  // A config that could not be downloaded leaves the platform unknown: that is an outage to retry,
  // not evidence that someone else wrote the tag.
  if (missing.length > 0) {
    const what = missing.map((item) => `${item.purpose} ${item.digest} (${item.reason})`).join(', ');
    return fail(new GuardError('UNAVAILABLE', `guard tag ${name.tag} not verified: could not read ${what}`, true));
  }

  const alert: IntegrityAlert = {
    code: FOREIGN_GUARD_TAG,
    tag: name.tag,
    kind: name.kind,
    architecture: name.architecture,
    digest: push.digest,
    verdict: verdict.verdict,
    reasons: verdict.reasons.map((reason) => ({ code: reason.code, message: reason.message })),
    event: push,
  };
  const message = (await deps.composer()).integrity(alert);
  let notificationId: string;
  try {
    notificationId = (await deps.notifier.publish(message.sns)).messageId;
  } catch (error) {
    return fail(error);
  }
  const slack = await postToChat(deps, message.slack, push);
  metrics.count('IntegrityAlerts');
  logger.warn('integrity alert', { ...fields, code: FOREIGN_GUARD_TAG, notificationId, slack });
  return { kind: 'alert', code: FOREIGN_GUARD_TAG, tag: name.tag, verdict: verdict.verdict, notificationId };
};
