import { assertNever } from './assert-never.js';
import type { ImageManifest, Manifest } from './manifest.js';
import { type ArtifactKind, baseMediaType, guessArtifactKind, isImageConfig, MediaType, roleOf } from './media-type.js';

/**
 * Decides whether an image-shaped manifest is really a non-image artifact, and which kind.
 *
 * OCI 1.1 artifacts say so with `artifactType`; older ones with a non-image config type (Helm,
 * SOCI v1, BuildKit history) or, like BuildKit's legacy attestation manifests and cosign
 * signatures, with an image config type over layers that are not filesystems.
 * Returns `undefined` for a container image.
 */
export const artifactKindOfImage = (manifest: ImageManifest): ArtifactKind | undefined => {
  const fallback: ArtifactKind = manifest.subject === undefined ? 'artifact' : 'referrer';
  if (manifest.artifactType !== undefined) return guessArtifactKind(manifest.artifactType) ?? fallback;

  const layerRoles = manifest.layers.map((layer) => roleOf(layer.mediaType));
  const layerKinds = manifest.layers.map((layer) => guessArtifactKind(layer.mediaType));
  const firstLayerKind = layerKinds.find((kind) => kind !== undefined);
  const allFilesystem = layerRoles.length > 0 && layerRoles.every((role) => role === 'layer');
  const noFilesystem = layerRoles.every((role) => role !== 'layer');

  const configType = baseMediaType(manifest.config.mediaType);
  if (isImageConfig(configType)) {
    // BuildKit attestation manifests and cosign signatures reuse the image config type, and say what
    // they are through their layer types. An image config over layers nobody recognises is a broken
    // image unless it points at a subject: skipping it would hide a push Lambda will refuse.
    if (!noFilesystem || layerRoles.length === 0) return undefined;
    return firstLayerKind ?? (manifest.subject === undefined ? undefined : 'referrer');
  }
  if (configType === MediaType.OciEmpty) return firstLayerKind ?? fallback;
  const configKind = guessArtifactKind(configType);
  if (configKind !== undefined) return configKind;
  // image-spec manifest.md: an OCI manifest whose config is not an image config is an artifact
  // by definition. Docker schema 2 has no artifacts, so there an unknown config over filesystem
  // layers is a broken image: the rules report UNSUPPORTED_CONFIG_MEDIA_TYPE.
  if (manifest.mediaType === MediaType.DockerManifest && allFilesystem) return undefined;
  return firstLayerKind ?? fallback;
};

/** The artifact kind of any manifest, or `undefined` for images, indexes and schema 1. */
export const artifactKindOfManifest = (manifest: Manifest): ArtifactKind | undefined => {
  switch (manifest.kind) {
    case 'image':
      return artifactKindOfImage(manifest);
    case 'artifact':
      return (
        (manifest.artifactType === undefined ? undefined : guessArtifactKind(manifest.artifactType)) ??
        (manifest.subject === undefined ? 'artifact' : 'referrer')
      );
    case 'index':
    case 'schema1':
      return undefined;
    default:
      return assertNever(manifest, 'manifest kind');
  }
};

/** `in-toto.io/predicate-type` annotations of an attestation manifest's layers. */
export const predicateTypesOf = (manifest: ImageManifest): string[] =>
  manifest.layers
    .map((layer) => layer.annotations?.['in-toto.io/predicate-type'])
    .filter((value): value is string => value !== undefined);

/** "an attestation (provenance or SBOM)", "a Helm chart", … */
export const describeArtifact = (kind: ArtifactKind): string => {
  switch (kind) {
    case 'attestation':
      return 'an attestation (provenance or SBOM)';
    case 'signature':
      return 'a signature';
    case 'sbom':
      return 'an SBOM';
    case 'helm-chart':
      return 'a Helm chart';
    case 'soci-index':
      return 'a SOCI index';
    case 'buildkit-history':
      return 'a BuildKit build-history record';
    case 'referrer':
      return 'an artifact attached to another image (OCI referrer)';
    case 'artifact':
      return 'an OCI artifact';
    default:
      return assertNever(kind, 'artifact kind');
  }
};
