/**
 * Every media type the guard knows, in one closed table.
 *
 * No other module compares media-type strings: they ask this table. Values come from the OCI
 * image-spec (media-types.md, layer.md, manifest.md), Docker image manifest v2 schema 2, the
 * BuildKit attestation-storage doc, and the artifact projects named per row.
 */

/** What a media type names. */
export type MediaTypeRole =
  | 'index'
  | 'image-manifest'
  | 'schema1-manifest'
  | 'artifact-manifest'
  | 'image-config'
  | 'layer'
  | 'empty'
  | 'artifact';

/** How a filesystem layer is stored. */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** The kind of non-image artifact, as reported in `NOT_A_CONTAINER_IMAGE` details. */
export type ArtifactKind =
  | 'attestation'
  | 'signature'
  | 'sbom'
  | 'helm-chart'
  | 'soci-index'
  | 'buildkit-history'
  | 'referrer'
  | 'artifact';

interface LayerTraits {
  readonly compression: LayerCompression;
  readonly encrypted: boolean;
  /** OCI "non-distributable" layers (deprecated in image-spec 1.1). */
  readonly nondistributable: boolean;
  /** Docker "foreign" layers (Windows base layers fetched from `urls`). */
  readonly foreign: boolean;
}

interface MediaTypeRow {
  readonly value: string;
  readonly role: MediaTypeRole;
  readonly family: 'oci' | 'docker' | 'other';
  readonly layer?: LayerTraits;
  readonly artifactKind?: ArtifactKind;
}

const gzip: LayerTraits = { compression: 'gzip', encrypted: false, nondistributable: false, foreign: false };
const zstd: LayerTraits = { ...gzip, compression: 'zstd' };
const plain: LayerTraits = { ...gzip, compression: 'none' };

/** The closed table. Keys are the names the code uses; `value` is the wire string. */
export const MEDIA_TYPES = {
  OciIndex: { value: 'application/vnd.oci.image.index.v1+json', role: 'index', family: 'oci' },
  OciManifest: { value: 'application/vnd.oci.image.manifest.v1+json', role: 'image-manifest', family: 'oci' },
  OciConfig: { value: 'application/vnd.oci.image.config.v1+json', role: 'image-config', family: 'oci' },
  OciLayer: { value: 'application/vnd.oci.image.layer.v1.tar', role: 'layer', family: 'oci', layer: plain },
  OciLayerGzip: { value: 'application/vnd.oci.image.layer.v1.tar+gzip', role: 'layer', family: 'oci', layer: gzip },
  OciLayerZstd: { value: 'application/vnd.oci.image.layer.v1.tar+zstd', role: 'layer', family: 'oci', layer: zstd },
  OciLayerNondistributable: {
    value: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
    role: 'layer',
    family: 'oci',
    layer: { ...plain, nondistributable: true },
  },
  OciLayerNondistributableGzip: {
    value: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
    role: 'layer',
    family: 'oci',
    layer: { ...gzip, nondistributable: true },
  },
  OciLayerNondistributableZstd: {
    value: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
    role: 'layer',
    family: 'oci',
    layer: { ...zstd, nondistributable: true },
  },
  // ocicrypt (containers/ocicrypt) appends "+encrypted" to the plain layer type.
  OciLayerEncrypted: {
    value: 'application/vnd.oci.image.layer.v1.tar+encrypted',
    role: 'layer',
    family: 'oci',
    layer: { ...plain, encrypted: true },
  },
  OciLayerGzipEncrypted: {
    value: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
    role: 'layer',
    family: 'oci',
    layer: { ...gzip, encrypted: true },
  },
  OciLayerZstdEncrypted: {
    value: 'application/vnd.oci.image.layer.v1.tar+zstd+encrypted',
    role: 'layer',
    family: 'oci',
    layer: { ...zstd, encrypted: true },
  },
  OciEmpty: { value: 'application/vnd.oci.empty.v1+json', role: 'empty', family: 'oci' },
  // The OCI 1.1 release candidates defined an artifact manifest that was withdrawn before 1.1.0.
  OciArtifactManifest: {
    value: 'application/vnd.oci.artifact.manifest.v1+json',
    role: 'artifact-manifest',
    family: 'oci',
  },
  OrasArtifactManifest: {
    value: 'application/vnd.cncf.oras.artifact.manifest.v1+json',
    role: 'artifact-manifest',
    family: 'other',
  },
  DockerManifestList: {
    value: 'application/vnd.docker.distribution.manifest.list.v2+json',
    role: 'index',
    family: 'docker',
  },
  DockerManifest: {
    value: 'application/vnd.docker.distribution.manifest.v2+json',
    role: 'image-manifest',
    family: 'docker',
  },
  DockerSchema1: {
    value: 'application/vnd.docker.distribution.manifest.v1+json',
    role: 'schema1-manifest',
    family: 'docker',
  },
  DockerSchema1Signed: {
    value: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    role: 'schema1-manifest',
    family: 'docker',
  },
  DockerConfig: { value: 'application/vnd.docker.container.image.v1+json', role: 'image-config', family: 'docker' },
  DockerLayerGzip: {
    value: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    role: 'layer',
    family: 'docker',
    layer: gzip,
  },
  DockerLayer: { value: 'application/vnd.docker.image.rootfs.diff.tar', role: 'layer', family: 'docker', layer: plain },
  DockerLayerZstd: {
    value: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
    role: 'layer',
    family: 'docker',
    layer: zstd,
  },
  DockerForeignLayerGzip: {
    value: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    role: 'layer',
    family: 'docker',
    layer: { ...gzip, foreign: true },
  },
  DockerForeignLayer: {
    value: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
    role: 'layer',
    family: 'docker',
    layer: { ...plain, foreign: true },
  },
  DockerPluginConfig: {
    value: 'application/vnd.docker.plugin.v1+json',
    role: 'artifact',
    family: 'docker',
    artifactKind: 'artifact',
  },
  InToto: { value: 'application/vnd.in-toto+json', role: 'artifact', family: 'other', artifactKind: 'attestation' },
  DsseEnvelope: {
    value: 'application/vnd.dsse.envelope.v1+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'attestation',
  },
  BuildkitAttestationManifest: {
    value: 'application/vnd.docker.attestation.manifest.v1+json',
    role: 'artifact',
    family: 'docker',
    artifactKind: 'attestation',
  },
  BuildkitAttestationConfig: {
    value: 'application/vnd.docker.attestation.config.v1+json',
    role: 'artifact',
    family: 'docker',
    artifactKind: 'attestation',
  },
  BuildkitHistoryRecord: {
    value: 'application/vnd.buildkit.historyrecord.v0',
    role: 'artifact',
    family: 'other',
    artifactKind: 'buildkit-history',
  },
  BuildkitStatus: {
    value: 'application/vnd.buildkit.status.v0',
    role: 'artifact',
    family: 'other',
    artifactKind: 'buildkit-history',
  },
  CosignSimpleSigning: {
    value: 'application/vnd.dev.cosign.simplesigning.v1+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'signature',
  },
  CosignArtifactSignature: {
    value: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'signature',
  },
  CosignSigstoreBundle: {
    value: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'signature',
  },
  NotationSignature: {
    value: 'application/vnd.cncf.notary.signature',
    role: 'artifact',
    family: 'other',
    artifactKind: 'signature',
  },
  NotationJws: { value: 'application/jose+json', role: 'artifact', family: 'other', artifactKind: 'signature' },
  NotationCose: { value: 'application/cose', role: 'artifact', family: 'other', artifactKind: 'signature' },
  HelmConfig: {
    value: 'application/vnd.cncf.helm.config.v1+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'helm-chart',
  },
  HelmChart: {
    value: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    role: 'artifact',
    family: 'other',
    artifactKind: 'helm-chart',
  },
  HelmProvenance: {
    value: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
    role: 'artifact',
    family: 'other',
    artifactKind: 'helm-chart',
  },
  SociIndexV1: {
    value: 'application/vnd.amazon.soci.index.v1+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'soci-index',
  },
  SociIndexV2: {
    value: 'application/vnd.amazon.soci.index.v2+json',
    role: 'artifact',
    family: 'other',
    artifactKind: 'soci-index',
  },
  SpdxJson: { value: 'application/spdx+json', role: 'artifact', family: 'other', artifactKind: 'sbom' },
  SpdxText: { value: 'text/spdx+json', role: 'artifact', family: 'other', artifactKind: 'sbom' },
  SbomJson: { value: 'text/sbom+json', role: 'artifact', family: 'other', artifactKind: 'sbom' },
  CycloneDx: { value: 'application/vnd.cyclonedx+json', role: 'artifact', family: 'other', artifactKind: 'sbom' },
  SyftJson: { value: 'application/vnd.syft+json', role: 'artifact', family: 'other', artifactKind: 'sbom' },
} as const satisfies Record<string, MediaTypeRow>;

/** The code name of a known media type, e.g. `OciIndex`. */
export type MediaTypeName = keyof typeof MEDIA_TYPES;

/** Wire strings of the known media types. */
export const MediaType: { readonly [K in MediaTypeName]: (typeof MEDIA_TYPES)[K]['value'] } = Object.fromEntries(
  Object.entries(MEDIA_TYPES).map(([name, row]) => [name, row.value]),
) as { readonly [K in MediaTypeName]: (typeof MEDIA_TYPES)[K]['value'] };

const byValue: ReadonlyMap<string, MediaTypeRow> = new Map(
  Object.values(MEDIA_TYPES).map((row: MediaTypeRow) => [row.value, row]),
);

/**
 * RFC 6838 restricted-name grammar, as the OCI descriptor schema writes it
 * (`schema/defs-descriptor.json` `mediaType`).
 */
const MEDIA_TYPE_GRAMMAR = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The comparable form of a media type: parameters dropped, case folded, whitespace trimmed.
 * Media types are case-insensitive (RFC 6838 §4.2) and HTTP may add `; charset=…`.
 */
export const baseMediaType = (value: string): string => {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
};

/** True when the string is a syntactically valid media type (after dropping parameters). */
export const isWellFormedMediaType = (value: string): boolean => MEDIA_TYPE_GRAMMAR.test(baseMediaType(value));

const rowOf = (value: string | undefined): MediaTypeRow | undefined =>
  value === undefined ? undefined : byValue.get(baseMediaType(value));

/** True when the table knows the media type. */
export const isKnownMediaType = (value: string): boolean => rowOf(value) !== undefined;

/** The role a media type plays, or `undefined` for a type outside the table. */
export const roleOf = (value: string | undefined): MediaTypeRole | undefined => rowOf(value)?.role;

/** True for an OCI image index or a Docker manifest list. */
export const isIndex = (value: string | undefined): boolean => roleOf(value) === 'index';

/** True for an OCI image manifest or a Docker v2 schema 2 manifest. */
export const isImageManifest = (value: string | undefined): boolean => roleOf(value) === 'image-manifest';

/** True for any Docker v2 schema 1 manifest, signed or not. */
export const isSchema1 = (value: string | undefined): boolean => roleOf(value) === 'schema1-manifest';

/** True for any manifest type: index, image manifest, schema 1 or artifact manifest. */
export const isManifest = (value: string | undefined): boolean => {
  const role = roleOf(value);
  return role === 'index' || role === 'image-manifest' || role === 'schema1-manifest' || role === 'artifact-manifest';
};

/** True for an OCI or Docker image config. */
export const isImageConfig = (value: string | undefined): boolean => roleOf(value) === 'image-config';

/** Filesystem-layer traits, or `undefined` when the media type is not a known layer type. */
export const layerTraits = (value: string | undefined): LayerTraits | undefined => rowOf(value)?.layer;

/** The artifact kind a media type announces, if it announces one. */
export const artifactKindOf = (value: string | undefined): ArtifactKind | undefined => rowOf(value)?.artifactKind;

/** Which family (`oci`, `docker`, `other`) a known media type belongs to. */
export const familyOf = (value: string | undefined): 'oci' | 'docker' | 'other' | undefined => rowOf(value)?.family;

/**
 * True for a media type inside a namespace whose members the OCI image-spec or Docker schema 2
 * enumerate exhaustively (`application/vnd.oci.image.layer.*`, `application/vnd.docker.image.rootfs.*`).
 * An unknown member there is a malformed manifest, not a new layer format.
 */
export const isInClosedLayerNamespace = (value: string): boolean => {
  const base = baseMediaType(value);
  return base.startsWith('application/vnd.oci.image.layer.') || base.startsWith('application/vnd.docker.image.rootfs.');
};

/** The five manifest media types ECR's BatchGetImage must be told to accept. */
export const ACCEPTED_MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
  MediaType.DockerSchema1,
];

export type { LayerTraits };

/**
 * The artifact kind for an `artifactType` or config media type the table may not list: the table
 * first, then the words registries and tools use in vendor types (`application/example.sbom`,
 * `application/vnd.example.signature.v1+json`).
 */
export const guessArtifactKind = (value: string): ArtifactKind | undefined => {
  const known = artifactKindOf(value);
  if (known !== undefined) return known;
  const base = baseMediaType(value);
  if (/\b(sbom|spdx|cyclonedx|syft)\b/.test(base)) return 'sbom';
  if (/\b(signature|sig|cosign|notary)\b/.test(base)) return 'signature';
  if (/\b(attestation|in-toto|provenance|vex)\b/.test(base)) return 'attestation';
  if (/\bhelm\b/.test(base)) return 'helm-chart';
  if (/\bsoci\b/.test(base)) return 'soci-index';
  return undefined;
};
