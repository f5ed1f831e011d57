import type { ArtifactKind } from './media-type.js';
import type { LambdaArchitecture } from './platform.js';
import type { BuildProvenance } from './provenance.js';
import type { Reason } from './reason.js';
import type { ReasonCode } from './reason-details.js';

export type { Reason } from './reason.js';

/** The outcome for one manifest. */
export type VerdictName = 'deployable' | 'quarantined' | 'skipped';

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

export type SubjectKind = 'index' | 'image' | 'schema1' | 'artifact' | 'unknown';

/** What an attestation statement holds, from its in-toto predicate type. */
export type AttestationKind = 'provenance' | 'sbom' | 'other';

/** One entry of an index, as facts: what it is, for which platform, and what the rules found in it. */
export interface IndexEntry {
  /** Position in the index's `manifests` list. */
  readonly position: number;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly role: EntryRole;
  /** The child manifest's kind, when its bytes were read and parsed. */
  readonly childKind: SubjectKind | null;
  readonly platform: ReportedPlatform | null;
  /** in-toto predicate types of an attestation entry whose manifest was read. */
  readonly predicateTypes: readonly string[];
  /** What those predicates are, one per predicate type. */
  readonly attestationKinds: readonly AttestationKind[];
  /** For an attestation: the digest of the image it describes. */
  readonly attests: string | null;
  /** Codes of the rules the child manifest broke (errors make an image entry not runnable). */
  readonly errors: readonly ReasonCode[];
  readonly warnings: readonly ReasonCode[];
  /** True for the entry chosen as the deployable child. */
  readonly chosen: boolean;
}

/** The facts of an index subject, for every entry (never bounded: renderers bound what they show). */
export interface IndexFacts {
  /** An OCI image index or a Docker manifest list. */
  readonly family: 'oci' | 'docker';
  readonly entries: readonly IndexEntry[];
}

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
  /** The entries of an index subject; `null` for every other kind. */
  readonly index: IndexFacts | null;
  /** Who built it, when an attestation said so. */
  readonly provenance: BuildProvenance | null;
}
