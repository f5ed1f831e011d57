import type { ArtifactKind } from './media-type.js';
import type { LambdaArchitecture } from './platform.js';

/** One layer named in a layer rule's details. */
export interface LayerRef {
  readonly index: number;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

/** One index entry as the `IMAGE_INDEX` details list it (bounded; the verdict's `index` holds them all). */
export interface EntrySummary {
  readonly digest: string;
  readonly mediaType: string;
  readonly role: string;
  readonly platform: string | null;
  readonly predicateTypes?: readonly string[];
  readonly attests?: string;
  readonly artifactType?: string;
}

/**
 * Where a problem was found. Empty for the subject itself; the position and digest of an index
 * entry when the problem is in one of its children (reported again at the index level).
 */
export interface ProblemLocation {
  /** The first offending field (`''` for the whole document, `config.os`, `manifests[2].digest`). */
  readonly path: string;
  /** What is wrong with it, completing a sentence that starts with the path. */
  readonly problem: string;
  readonly entry?: number;
  readonly digest?: string;
}

/** The layers a layer rule found, first 20 listed, all counted. */
export interface LayerFinding {
  readonly layers: readonly LayerRef[];
  readonly count: number;
}

/**
 * The structured details of each reason code: a public contract (JSON `reasons[].details`), so
 * fields are only ever added. The keys of this interface are the reason codes.
 */
export interface ReasonDetails {
  readonly MALFORMED_MANIFEST: ProblemLocation;
  readonly DIGEST_MISMATCH: ProblemLocation;
  /** An image config that is not JSON or lacks a field image-spec config.md requires (`config.os`, `config.architecture`). */
  readonly MALFORMED_CONFIG: ProblemLocation;
  readonly IMAGE_INDEX: {
    readonly mediaType: string;
    readonly runnable: number;
    readonly attestations: number;
    /** Entries per role, counted over the whole index. */
    readonly roles: Readonly<Record<string, number>>;
    /** The first 50 entries. */
    readonly entries: readonly EntrySummary[];
    readonly entryCount: number;
  };
  readonly SCHEMA1_MANIFEST: { readonly signed: boolean; readonly architecture?: string };
  readonly NOT_LINUX: { readonly os: string; readonly platform: string };
  readonly UNSUPPORTED_ARCHITECTURE: { readonly architecture: string; readonly variant?: string; readonly platform: string };
  readonly ARCHITECTURE_MISMATCH:
    | { readonly image: LambdaArchitecture; readonly target: readonly LambdaArchitecture[] }
    | { readonly found: readonly string[]; readonly target: readonly LambdaArchitecture[] };
  readonly ENCRYPTED_LAYER: LayerFinding;
  readonly FOREIGN_LAYER: LayerFinding;
  readonly UNSUPPORTED_LAYER_MEDIA_TYPE: LayerFinding;
  readonly UNSUPPORTED_CONFIG_MEDIA_TYPE: { readonly mediaType: string };
  readonly IMAGE_TOO_LARGE: { readonly compressedBytes: number; readonly limitBytes: number };
  readonly UNCOMPRESSED_LAYER: LayerFinding;
  readonly UNVERIFIED_LAYER_COMPRESSION: LayerFinding;
  readonly NONDISTRIBUTABLE_LAYER: LayerFinding;
  readonly ARCHITECTURE_UNKNOWN: { readonly config: string };
  /** An index entry whose platform is not the one its image config states (both as `os/arch[/variant]`). */
  readonly INDEX_PLATFORM_MISMATCH: {
    readonly index: string;
    readonly config: string;
    readonly entry?: number;
    readonly digest?: string;
  };
  readonly LARGE_MANIFEST: { readonly bytes: number; readonly adviceBytes: number };
  readonly NOT_A_CONTAINER_IMAGE: {
    readonly kind: ArtifactKind;
    readonly artifactType?: string;
    readonly configMediaType?: string;
    readonly subject?: string;
  };
}

/** A stable reason code. */
export type ReasonCode = keyof ReasonDetails;
