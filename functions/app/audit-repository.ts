import { auditGuardTags, type GuardTagFinding } from '../core/audit-guard-tags.js';
import { classifyParsed } from '../core/classify.js';
import type { Digest } from '../core/digest.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../core/fetch-plan.js';
import { earnsGuardTag, parseGuardTag } from '../core/guard-tag-state.js';
import type { LambdaArchitecture } from '../core/platform.js';
import type { TagPolicy } from '../core/tag-mutability.js';
import { type GuardTemplates, planTags, type TagOutcome } from '../core/tag-plan.js';
import type { Verdict } from '../core/verdict.js';
import { gatherEvidence } from './gather-evidence.js';
import { mapBounded } from './map-bounded.js';
import type { RawManifest, Registry, RegistryCatalog } from './ports.js';

/** How an audit judges and what it looks at. */
export interface AuditOptions {
  readonly architectures: readonly LambdaArchitecture[];
  readonly strict: boolean;
  readonly templates: GuardTemplates;
  /** Only tags whose image was pushed at or after this time (epoch ms). */
  readonly since: number | null;
  /** Images checked at once (BatchGetImage, GetDownloadUrlForLayer and downloads in flight). */
  readonly concurrency: number;
  readonly limits?: FetchLimits;
  /** Called once the repository is listed, with the number of tags to check (for a progress bar). */
  readonly onListed?: (tags: number) => void;
}

/** One tag of a repository and what the guard makes of it. */
export interface AuditedTag {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly pushedAt: number | null;
  /** Null when the image could not be read (it vanished between the listing and the read). */
  readonly verdict: Verdict | null;
  /** The tags the guard's rules give this tag, and what writing each would do now. */
  readonly planned: readonly TagOutcome[];
  readonly guardTags: readonly GuardTagFinding[];
  /** The exact manifests the planned tags put (the subject and a deployable child). */
  readonly manifests: ReadonlyMap<string, RawManifest>;
}

/** Tags checked per round: one BatchGetImage of at most 100 subjects each (API_BatchGetImage). */
const CHUNK = 100;

interface Judged {
  readonly verdict: Verdict;
  readonly manifests: ReadonlyMap<string, RawManifest>;
}

/**
 * Audits one repository: lists its tagged images once (DescribeImages, 1,000 a page), then checks
 * each distinct digest once with the guard's own fetch plan and rules, 100 tags per round, and
 * reports every user tag with its verdict, the tags the guard would write and the state of its
 * guard tags. Memory holds the repository's tag list and one round of manifests.
 */
export async function* auditRepository(
  registry: Registry,
  catalog: RegistryCatalog,
  repository: string,
  options: AuditOptions,
): AsyncGenerator<AuditedTag, void, undefined> {
  const current = new Map<string, string>();
  const pushedAt = new Map<string, number | null>();
  for await (const image of catalog.taggedImages(repository)) {
    pushedAt.set(image.digest, image.pushedAt);
    for (const tag of image.tags) current.set(tag, image.digest);
  }
  const tags = [...current.keys()]
    // The guard's own tags are reported with the tag they belong to, never checked alone.
    .filter((tag) => parseGuardTag(tag, options.templates, options.architectures) === null)
    .filter((tag) => options.since === null || (pushedAt.get(current.get(tag) ?? '') ?? 0) >= options.since)
    .sort();
  options.onListed?.(tags.length);
  if (tags.length === 0) return;
  const policy: TagPolicy = await registry.tagPolicy(repository);
  const verdicts = new Map<string, Verdict | null>();
  const classifyOptions = { architectures: options.architectures, strict: options.strict };

  const judge = async (digests: readonly string[]): Promise<Map<string, Judged>> => {
    const wanted = [...new Set(digests)];
    const judged = new Map<string, Judged>();
    if (wanted.length === 0) return judged;
    const found = await registry.getImages(
      repository,
      wanted.map((digest) => ({ digest: digest as Digest })),
    );
    const subjects = new Map(found.map((image) => [image.manifest.digest as string, image.manifest]));
    await mapBounded(wanted, options.concurrency, async (digest) => {
      const subject = subjects.get(digest);
      if (subject === undefined) {
        verdicts.set(digest, null);
        return;
      }
      const gathered = await gatherEvidence(
        registry.source(repository),
        subject,
        classifyOptions,
        options.limits ?? DEFAULT_FETCH_LIMITS,
      );
      const verdict = classifyParsed(gathered.evidence, classifyOptions);
      verdicts.set(digest, verdict);
      judged.set(digest, { verdict, manifests: new Map([...gathered.children, [digest, subject]]) });
    });
    return judged;
  };

  // An image nobody could read is not accused of carrying a tag it does not earn.
  const deserves = (digest: string, tag: string): boolean => {
    const verdict = verdicts.get(digest);
    const name = parseGuardTag(tag, options.templates, options.architectures);
    if (verdict === undefined || verdict === null || name === null) return true;
    return earnsGuardTag(verdict, name.kind, name.architecture);
  };

  for (let start = 0; start < tags.length; start += CHUNK) {
    const chunk = tags.slice(start, start + CHUNK);
    const judged = await judge(chunk.map((tag) => current.get(tag) ?? '').filter((digest) => !verdicts.has(digest)));
    const rows = chunk.map((tag) => {
      const digest = current.get(tag) ?? '';
      const verdict = verdicts.get(digest) ?? null;
      const manifests = judged.get(digest)?.manifests ?? new Map<string, RawManifest>();
      const planned =
        verdict === null || verdict.verdict === 'skipped'
          ? []
          : planTags({
              tag,
              subjectDigest: digest,
              verdict,
              templates: options.templates,
              // A digest judged in an earlier round still earns its child's tag: the child is re-read on --apply.
              available: new Set([digest, ...(verdict.deployableChild === null ? [] : [verdict.deployableChild.digest])]),
              current,
              policy,
              writeTags: true,
            });
      return { tag, digest, verdict, planned, manifests };
    });
    // Guard tags naming other images are judged by those images' own verdicts: one more round, only for them.
    const others = rows.flatMap((row) =>
      auditGuardTags({ ...findingsInput(row.tag, row.planned, options), current, deserves: () => true })
        .map((finding) => finding.digest)
        .filter((digest): digest is string => digest !== null && !verdicts.has(digest)),
    );
    await judge(others);
    for (const row of rows) {
      yield {
        repository,
        tag: row.tag,
        digest: row.digest,
        pushedAt: pushedAt.get(row.digest) ?? null,
        verdict: row.verdict,
        planned: row.planned,
        guardTags: auditGuardTags({ ...findingsInput(row.tag, row.planned, options), current, deserves }),
        manifests: row.manifests,
      };
    }
  }
}

const findingsInput = (tag: string, planned: readonly TagOutcome[], options: AuditOptions) => ({
  tag,
  planned,
  templates: options.templates,
  architectures: options.architectures,
});
