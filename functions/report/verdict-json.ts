/**
 * The machine JSON: the CLI's `--json` output and the SNS `sqs` / `lambda` payloads. This is a public
 * contract (schemaVersion 1): add fields, never rename or remove them. `VERDICT_JSON_SCHEMA`
 * (verdict-json-schema.ts) describes it, checked against these types, and the tests hold real
 * outputs to it with a JSON Schema validator.
 */

import type { ReasonCode, RuleStatus, Severity } from '../core/lambda-rules.js';
import type { ArtifactKind } from '../core/media-type.js';
import type { BuildProvenance } from '../core/provenance.js';
import type { ReportedPlatform, SubjectKind, Verdict, VerdictName } from '../core/verdict.js';
import { explain } from './explain.js';
import type { Explanation, SubjectContext, TagOutcome } from './explanation.js';
import type { GuardFailure } from './guard-failure.js';
import { ELLIPSIS } from './plain-text.js';
import { type TreeNode, treeOf } from './tree.js';

/** The event fields the guard adds to the machine JSON; an ECR `PushEvent` fits as it is. */
export interface GuardEventFields {
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  /** EventBridge `time`; may be empty. */
  readonly time: string;
  readonly repository: string;
  /** The account's alias (organization mode), when the guard knows one. */
  readonly accountAlias?: string | null;
}

/** How much of the unbounded parts (tree, reason details) to keep; unbounded by default. */
export interface JsonBounds {
  /** Children kept per tree node; the rest are counted in `omittedChildren`. */
  readonly maxTreeChildren?: number;
  /** Longest string kept in labels and reason details. */
  readonly maxString?: number;
  /** Longest array kept in reason details. */
  readonly maxArray?: number;
  /** Reasons kept (an index of 2,000 broken entries has 2,000). */
  readonly maxReasons?: number;
}

/** A tree node in the JSON. */
export interface TreeJson {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly role: TreeNode['role'];
  readonly kind: SubjectKind;
  readonly platform: string | null;
  readonly mark: TreeNode['mark'];
  readonly label: string;
  readonly children: readonly TreeJson[];
  /** Present only when children were left out to fit a size limit. */
  readonly omittedChildren?: number;
}

/** One reason in the JSON. */
export interface ReasonJson {
  readonly code: ReasonCode;
  readonly severity: Severity;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly status: RuleStatus;
}

/** The `--json` document. */
export interface VerdictJson {
  readonly schemaVersion: 1;
  readonly verdict: VerdictName;
  readonly subject: {
    readonly digest: string;
    readonly mediaType: string;
    readonly kind: SubjectKind;
    readonly size: number;
    readonly repository: string | null;
    readonly tag: string | null;
    readonly source: string | null;
    readonly artifactKind?: ArtifactKind;
  };
  readonly reasons: readonly ReasonJson[];
  readonly platform: ReportedPlatform | null;
  readonly deployableChild: {
    readonly digest: string;
    readonly mediaType: string;
    readonly size: number;
    readonly platform: ReportedPlatform | null;
  } | null;
  readonly tree: TreeJson;
  readonly provenance: BuildProvenance | null;
}

/** The SNS `sqs` / `lambda` document: the verdict JSON plus the event and what the guard did. */
export interface GuardMessageJson extends VerdictJson {
  readonly type: 'verdict';
  readonly eventId: string;
  readonly eventTime: string | null;
  readonly account: string;
  /** The account's alias (organization mode), or null. */
  readonly accountAlias: string | null;
  readonly region: string;
  readonly repository: string;
  readonly tags: readonly TagOutcome[];
  readonly deployNow: {
    readonly digest: string;
    readonly platform: string | null;
    readonly uriByDigest: string | null;
    readonly uriByTag: string | null;
    readonly tag: string | null;
  } | null;
  /** True when parts were shortened to fit the SNS size limit. */
  readonly truncated: boolean;
}

/** The SNS `sqs` / `lambda` document when the guard could not check a push. */
export interface GuardFailureJson {
  readonly schemaVersion: 1;
  readonly type: 'error';
  readonly verdict: 'error';
  readonly error: { readonly code: string; readonly message: string };
  readonly subject: { readonly digest: string; readonly tag: string | null; readonly repository: string };
  readonly eventId: string;
  readonly eventTime: string | null;
  readonly account: string;
  /** The account's alias (organization mode), or null. */
  readonly accountAlias: string | null;
  readonly region: string;
  readonly repository: string;
}

const cut = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}${ELLIPSIS}`;

/** Bounds every string and array inside a JSON value; objects keep all their keys. */
const bound = (value: unknown, bounds: Required<JsonBounds>, depth = 0): unknown => {
  if (typeof value === 'string') return cut(value, bounds.maxString);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (depth > 16) return null;
  if (Array.isArray(value)) return value.slice(0, bounds.maxArray).map((item) => bound(item, bounds, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bound(item, bounds, depth + 1)]));
  }
  return null;
};

const resolve = (bounds: JsonBounds): Required<JsonBounds> => ({
  maxTreeChildren: bounds.maxTreeChildren ?? Number.POSITIVE_INFINITY,
  maxString: bounds.maxString ?? Number.POSITIVE_INFINITY,
  maxArray: bounds.maxArray ?? Number.POSITIVE_INFINITY,
  maxReasons: bounds.maxReasons ?? Number.POSITIVE_INFINITY,
});

const treeJson = (node: TreeNode, bounds: Required<JsonBounds>): TreeJson => {
  const children = node.children.slice(0, bounds.maxTreeChildren);
  // Never drop the deployable child: it is the one line a consumer acts on.
  const chosen = node.children.find((child) => child.mark === 'ok');
  if (chosen !== undefined && !children.includes(chosen) && children.length > 0) children[children.length - 1] = chosen;
  const omitted = node.children.length - children.length;
  return {
    digest: node.digest,
    mediaType: node.mediaType,
    size: node.size,
    role: node.role,
    kind: node.kind,
    platform: node.platform === null ? null : cut(node.platform, bounds.maxString),
    mark: node.mark,
    label: cut(node.label, bounds.maxString),
    children: children.map((child) => treeJson(child, bounds)),
    ...(omitted > 0 ? { omittedChildren: omitted } : {}),
  };
};

const provenanceJson = (provenance: BuildProvenance | null, bounds: Required<JsonBounds>): BuildProvenance | null =>
  provenance === null ? null : (bound(provenance, bounds) as BuildProvenance);

/**
 * The verdict as the `--json` contract: schemaVersion 1, verdict, subject, reasons, platform,
 * deployableChild, tree and provenance.
 */
export const toVerdictJson = (verdict: Verdict, context: SubjectContext, bounds: JsonBounds = {}): VerdictJson => {
  const b = resolve(bounds);
  const child = verdict.deployableChild;
  return {
    schemaVersion: 1,
    verdict: verdict.verdict,
    subject: {
      digest: verdict.subject.digest,
      mediaType: verdict.subject.mediaType,
      kind: verdict.subject.kind,
      size: verdict.subject.size,
      repository: context.repository,
      tag: context.tag,
      source: context.source,
      ...(verdict.subject.artifactKind === undefined ? {} : { artifactKind: verdict.subject.artifactKind }),
    },
    reasons: verdict.reasons.slice(0, b.maxReasons).map((r) => ({
      code: r.code,
      severity: r.severity,
      message: cut(r.message, b.maxString),
      details: bound(r.details, b) as Record<string, unknown>,
      status: r.status,
    })),
    platform: verdict.platform,
    deployableChild:
      child === null ? null : { digest: child.digest, mediaType: child.mediaType, size: child.size, platform: child.platform },
    tree: treeJson(treeOf(verdict), b),
    provenance: provenanceJson(verdict.provenance, b),
  };
};

/** The SNS `sqs` / `lambda` payload: the verdict JSON plus event fields, tags and the deploy-now URIs. */
export const toGuardMessageJson = (
  verdict: Verdict,
  context: SubjectContext,
  event: GuardEventFields,
  bounds: JsonBounds = {},
  // The caller usually has the explanation already (one per notification, shared by every channel).
  deployNow: Explanation['deployNow'] = explain(verdict, context).deployNow,
): GuardMessageJson => {
  const base = toVerdictJson(verdict, context, bounds);
  const truncated = JSON.stringify(base) !== JSON.stringify(toVerdictJson(verdict, context));
  return {
    ...base,
    type: 'verdict',
    ...eventFieldsJson(event),
    tags: context.tagging,
    deployNow,
    truncated,
  };
};

/** The event fields every machine notification that is not a verdict ends with. */
export const eventFieldsJson = (event: GuardEventFields) => ({
  eventId: event.eventId,
  eventTime: event.time === '' ? null : event.time,
  account: event.account,
  accountAlias: event.accountAlias ?? null,
  region: event.region,
  repository: event.repository,
});

/** The SNS `sqs` / `lambda` payload for a push the guard could not check. */
export const toGuardFailureJson = (failure: GuardFailure, maxMessage = 2000): GuardFailureJson => ({
  schemaVersion: 1,
  type: 'error',
  verdict: 'error',
  error: { code: failure.code, message: cut(failure.message, maxMessage) },
  subject: { digest: failure.event.digest, tag: failure.event.tag, repository: failure.event.repository },
  ...eventFieldsJson(failure.event),
});
