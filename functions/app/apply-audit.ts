import type { Digest } from '../core/digest.js';
import type { LambdaArchitecture } from '../core/platform.js';
import type { PushEvent } from '../core/push-event.js';
import type { SubjectContext } from '../core/subject-context.js';
import type { TagOutcome } from '../core/tag-plan.js';
import type { AuditedTag } from './audit-repository.js';
import { GuardError } from './guard-error.js';
import type { Notifier, RawManifest, Registry } from './ports.js';
import type { Composer } from './process-push.js';

/** Where a repository lives, from its URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
export const repositoryHome = (uri: string): { readonly account: string; readonly region: string } => {
  const match = /^(\d{12})\.dkr[.-]ecr\.([a-z0-9-]+)\./.exec(uri);
  return { account: match?.[1] ?? '000000000000', region: match?.[2] ?? 'us-east-1' };
};

/** The push event an audited tag stands for: what the guard would have received had the event arrived. */
export const auditPushEvent = (row: AuditedTag, home: { account: string; region: string }): PushEvent => ({
  eventId: `audit-${row.digest.slice('sha256:'.length, 'sha256:'.length + 16)}`,
  account: home.account,
  region: home.region,
  time: row.pushedAt === null ? '' : new Date(row.pushedAt).toISOString(),
  repository: row.repository,
  digest: row.digest as Digest,
  tag: row.tag,
  manifestMediaType: row.verdict?.subject.mediaType ?? null,
  artifactMediaType: null,
});

/** What `audit --apply` needs: the registry, and for `--notify` the guard's composer and topic. */
export interface ApplyDeps {
  readonly registry: Registry;
  readonly notify: { readonly composer: Composer; readonly notifier: Notifier } | null;
}

/** What applying one audited tag did. */
export interface ApplyOutcome {
  readonly tags: readonly TagOutcome[];
  readonly notificationId: string | null;
}

/**
 * Writes the verdict tags an audited tag lacks, by the guard's rules: the tags `planTags` plans,
 * except one that names an image that does not deserve it (a foreign tag is reported, never moved).
 * With `--notify`, a tag whose verdict tag is missing (no event was ever handled for it) is
 * notified first, through the guard's composer: as on the event path, the tag written afterwards
 * is the mark that it was notified. Never deletes a tag; a second run finds nothing to do.
 */
export const applyAudited = async (
  deps: ApplyDeps,
  row: AuditedTag,
  home: { readonly account: string; readonly region: string; readonly architectures: readonly LambdaArchitecture[] },
): Promise<ApplyOutcome> => {
  const foreign = new Set(row.guardTags.filter((finding) => finding.state === 'foreign').map((finding) => finding.tag));
  const toWrite = row.planned.filter((item) => item.outcome === 'planned' && !foreign.has(item.tag));
  if (toWrite.length === 0 || row.verdict === null) return { tags: row.planned, notificationId: null };

  let notificationId: string | null = null;
  const verdictMissing = row.guardTags.some((finding) =>
    row.planned.some((item) => item.purpose === 'verdict' && item.tag === finding.tag && finding.state === 'missing'),
  );
  if (deps.notify !== null && verdictMissing && row.verdict.verdict === 'quarantined') {
    const push = auditPushEvent(row, home);
    const context: SubjectContext = {
      repository: row.repository,
      tag: row.tag,
      repositoryUri: `${home.account}.dkr.ecr.${home.region}.amazonaws.com/${row.repository}`,
      region: home.region,
      architectures: home.architectures,
      source: `ecr:${row.repository}`,
      tagging: row.planned,
    };
    const message = deps.notify.composer.verdict({ verdict: row.verdict, context, push });
    notificationId = (await deps.notify.notifier.publish(message.sns)).messageId;
  }

  const manifests = new Map<string, RawManifest>(row.manifests);
  const absent = [...new Set(toWrite.map((item) => item.digest))].filter((digest) => !manifests.has(digest));
  if (absent.length > 0) {
    const found = await deps.registry.getImages(
      row.repository,
      absent.map((digest) => ({ digest: digest as Digest })),
    );
    for (const image of found) manifests.set(image.manifest.digest, image.manifest);
  }
  const written = new Map<string, TagOutcome>();
  await Promise.all(
    toWrite.map(async (item) => {
      const manifest = manifests.get(item.digest);
      if (manifest === undefined) {
        written.set(item.tag, { ...item, outcome: 'failed', message: `${item.digest} is no longer in ${row.repository}` });
        return;
      }
      try {
        const result = await deps.registry.putTag(row.repository, item.tag, manifest);
        written.set(item.tag, {
          ...item,
          outcome: result,
          ...(result === 'immutable' ? { message: `the repository's tags are immutable and ${item.tag} already exists` } : {}),
        });
      } catch (error) {
        if (!(error instanceof GuardError)) throw error;
        written.set(item.tag, { ...item, outcome: 'failed', message: error.message });
      }
    }),
  );
  return { tags: row.planned.map((item) => written.get(item.tag) ?? item), notificationId };
};
