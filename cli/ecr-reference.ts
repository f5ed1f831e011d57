import { type Digest, parseDigest } from '../functions/core/digest.js';
import { ECR_TAG_GRAMMAR } from '../functions/core/tag-template.js';
import { UsageError } from './usage-error.js';

/** An image in ECR, as the CLI was given it. */
export interface EcrReference {
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: Digest | null;
  readonly registryId: string | null;
  readonly region: string | null;
}

// <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository> (also dkr-ecr dual-stack style hosts).
const ECR_HOST = /^(\d{12})\.dkr[.-]ecr\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/;
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Parses `<repo>:<tag>`, `<repo>@sha256:…` or a full ECR URI
 * (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-repo:v7`).
 */
export const parseEcrReference = (text: string): EcrReference => {
  let rest = text.trim();
  let registryId: string | null = null;
  let region: string | null = null;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const host = ECR_HOST.exec(rest.slice(0, slash));
    if (host !== null) {
      registryId = host[1] ?? null;
      region = host[2] ?? null;
      rest = rest.slice(slash + 1);
    }
  }
  let digest: Digest | null = null;
  let tag: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    const parsed = parseDigest(rest.slice(at + 1));
    if (!parsed.ok) throw new UsageError(`"${text}" has an invalid digest after @`);
    digest = parsed.digest;
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!ECR_TAG_GRAMMAR.test(tag)) throw new UsageError(`"${tag}" is not a valid image tag`);
  }
  if (!REPOSITORY.test(rest))
    throw new UsageError(`"${text}" is neither a local path nor an ECR reference (<repo>:<tag>, <repo>@sha256:…)`);
  if (tag === null && digest === null)
    throw new UsageError(
      `${text}: no such file or folder, and as an ECR reference it names a repository but no tag or digest (add :<tag> or @sha256:…)`,
    );
  return { repository: rest, tag, digest, registryId, region };
};
