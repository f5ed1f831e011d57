import { createHash } from 'node:crypto';
import type { LambdaArchitecture } from './platform.js';

/**
 * Tag templates: `{tag}` followed by a literal suffix that may contain `{arch}`, e.g.
 * `{tag}-quarantined`, `{tag}-{arch}-deployable`. Templates are suffix-only so that one EventBridge
 * `anything-but: {suffix: [...]}` filter recognises every tag the guard writes.
 */
export interface TagTemplate {
  readonly text: string;
  /** The part after `{tag}`, still holding `{arch}` if present. */
  readonly suffix: string;
  readonly usesArch: boolean;
}

/**
 * The tag alphabet ECR enforces: PutImage answers a tag outside it with "failed to satisfy constraint:
 * must satisfy regular expression '[a-zA-Z0-9-_.]+'" (the message as reported in
 * https://github.com/alexjurkiewicz/ecr-scan-image/issues/40; the API reference gives only the length,
 * 1-300, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html).
 * ECR accepts a leading "-" or "." that the OCI grammar refuses, so a pushed `-x` is a real ECR tag and
 * its guard tag is `-x-deployable`, not a renamed one.
 */
export const TAG_GRAMMAR = /^[A-Za-z0-9._-]{1,128}$/;

/** A tag ECR itself accepts: the same alphabet, up to the 300 characters of the API reference. */
export const ECR_TAG_GRAMMAR = /^[A-Za-z0-9._-]{1,300}$/;
const SUFFIX_GRAMMAR = /^(?:[A-Za-z0-9._-]|\{arch\})+$/;
/**
 * ECR takes 300 characters, but the OCI distribution spec caps a tag at 128
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests), and a
 * guard tag longer than that could not be pulled by name with docker, crane or skopeo.
 */
export const MAX_TAG_LENGTH = 128;

/** Parses a template, or says in one sentence what is wrong with it. */
export const parseTagTemplate = (text: string): { ok: true; template: TagTemplate } | { ok: false; message: string } => {
  if (!text.startsWith('{tag}')) return { ok: false, message: `tag template "${text}" must start with {tag}` };
  const suffix = text.slice('{tag}'.length);
  if (suffix === '' || !SUFFIX_GRAMMAR.test(suffix)) {
    return {
      ok: false,
      message: `tag template "${text}" must be {tag} followed by a suffix of letters, digits, ".", "_", "-" (and optionally {arch})`,
    };
  }
  if (suffix.replaceAll('{arch}', 'arm64').length > 40)
    return { ok: false, message: `tag template "${text}" has a suffix longer than 40 characters` };
  return { ok: true, template: { text, suffix, usesArch: suffix.includes('{arch}') } };
};

/** Eight hex characters of the text's sha256: short, stable names for long or repeated values. */
export const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * The tag a template gives for a pushed tag: the pushed tag as it is plus the suffix, renamed only
 * where ECR's alphabet or the 128-character limit requires it. Characters outside the alphabet
 * (possible offline, never in a tag ECR accepted) become `_`; a tag too long to take the suffix is cut
 * and given a short hash of the original, so two tags never collide.
 */
export const renderTag = (template: TagTemplate, tag: string, arch?: LambdaArchitecture): string => {
  const suffix = template.suffix.replaceAll('{arch}', arch ?? 'any');
  const base = tag.replace(/[^A-Za-z0-9._-]/g, '_');
  if (base === tag && base.length + suffix.length <= MAX_TAG_LENGTH) return `${base}${suffix}`;
  const room = MAX_TAG_LENGTH - suffix.length - 9;
  return `${base.slice(0, room)}-${shortHash(tag)}${suffix}`;
};

/** Every concrete suffix the templates can produce: what the guard's own tags end with. */
export const guardTagSuffixes = (templates: readonly TagTemplate[], architectures: readonly LambdaArchitecture[]): string[] => {
  const arches: readonly (LambdaArchitecture | undefined)[] = architectures.length === 0 ? [undefined] : architectures;
  const suffixes = templates.flatMap((template) =>
    template.usesArch
      ? [
          ...arches.map((arch) => template.suffix.replaceAll('{arch}', arch ?? 'any')),
          template.suffix.replaceAll('{arch}', 'any'),
        ]
      : [template.suffix],
  );
  return [...new Set(suffixes)];
};
