import type { ReasonCode, RuleStatus, Severity } from './lambda-rules.js';
import type { ArtifactKind } from './media-type.js';
import type { LambdaArchitecture } from './platform.js';
import type { BuildProvenance } from './provenance.js';

/** The outcome for one manifest. */
export type VerdictName = 'deployable' | 'quarantined' | 'skipped';

/** One finding: a stable code, how bad it is, a sentence, and structured details. */
export interface Reason {
  readonly code: ReasonCode;
  readonly severity: Severity;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Whether the rule behind the code is documented by AWS/OCI or inferred. */
  readonly status: RuleStatus;
}

/** A platform as reported: OCI names plus the Lambda architecture it maps to. */
export interface ReportedPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  /** `x86_64` / `arm64`, or `null` when Lambda has no such architecture. */
  readonly lambdaArchitecture: LambdaArchitecture | null;
  /** Where the platform was read: the image config (authoritative) or the parent index entry. */
  readonly from: 'config' | 'index';
}

/** What an index entry is. */
export type EntryRole = 'runnable' | 'image' | 'attestation' | 'index' | 'invalid' | Exclude<ArtifactKind, 'attestation'>;

/** How a tree node is marked for people: ✔ deployable, ✖ blocks, ! warns, · not an image. */
export type TreeMark = 'ok' | 'error' | 'warning' | 'ignored';

/** The manifest tree, as renderers draw it. */
export interface TreeNode {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly role: EntryRole | 'subject';
  readonly kind: SubjectKind;
  readonly platform: string | null;
  readonly mark: TreeMark;
  /** A few words: "runnable linux/arm64", "provenance attestation (SLSA v0.2)". */
  readonly label: string;
  readonly children: readonly TreeNode[];
}

export type SubjectKind = 'index' | 'image' | 'schema1' | 'artifact' | 'unknown';

/** The runnable child of an index that can be deployed now (by digest, or by the tag the guard writes). */
export interface DeployableChild {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly platform: ReportedPlatform | null;
}

/** The whole answer for one subject, as data. */
export interface Verdict {
  readonly verdict: VerdictName;
  readonly subject: {
    readonly digest: string;
    readonly mediaType: string;
    readonly kind: SubjectKind;
    readonly size: number;
    readonly artifactKind?: ArtifactKind;
  };
  readonly reasons: readonly Reason[];
  readonly platform: ReportedPlatform | null;
  readonly deployableChild: DeployableChild | null;
  readonly tree: TreeNode;
  /** Who built it, when an attestation said so. */
  readonly provenance: BuildProvenance | null;
}
