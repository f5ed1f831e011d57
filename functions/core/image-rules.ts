import type { Descriptor } from './descriptor.js';
import { readImageConfig } from './image-config.js';
import { LARGE_MANIFEST_BYTES, MAX_IMAGE_BYTES } from './lambda-rules.js';
import type { ImageManifest } from './manifest.js';
import { isImageConfig, layerTraits } from './media-type.js';
import { formatPlatform, type LambdaArchitecture, lambdaArchitectureOf, type Platform } from './platform.js';
import { type Reason, reason } from './reason.js';
import type { LayerRef } from './reason-details.js';
import type { ReportedPlatform } from './verdict.js';

/** What the image rules need besides the manifest. */
export interface ImageContext {
  /** Config blob bytes, when they could be read. */
  readonly configBytes?: Uint8Array;
  /** Platform from the parent index entry, used when the config is not available. */
  readonly platformHint?: Platform;
  /** Target architectures; empty means any Lambda architecture. */
  readonly architectures: readonly LambdaArchitecture[];
}

/** The image rules' findings and the platform they settled on. */
export interface ImageFindings {
  readonly reasons: readonly Reason[];
  readonly platform: ReportedPlatform | null;
}

const layerRef = (layer: Descriptor, index: number): LayerRef => ({
  index,
  digest: layer.digest,
  mediaType: layer.mediaType,
  size: layer.size,
});

type LayerCode =
  | 'UNSUPPORTED_LAYER_MEDIA_TYPE'
  | 'ENCRYPTED_LAYER'
  | 'FOREIGN_LAYER'
  | 'NONDISTRIBUTABLE_LAYER'
  | 'UNVERIFIED_LAYER_COMPRESSION'
  | 'UNCOMPRESSED_LAYER';

const checkLayers = (manifest: ImageManifest): Reason[] => {
  const groups = new Map<LayerCode, LayerRef[]>();
  const add = (code: LayerCode, layer: Descriptor, index: number) => {
    const list = groups.get(code) ?? [];
    list.push(layerRef(layer, index));
    groups.set(code, list);
  };
  manifest.layers.forEach((layer, index) => {
    const traits = layerTraits(layer.mediaType);
    if (traits === undefined) {
      add('UNSUPPORTED_LAYER_MEDIA_TYPE', layer, index);
      return;
    }
    if (traits.encrypted) add('ENCRYPTED_LAYER', layer, index);
    if (traits.foreign) add('FOREIGN_LAYER', layer, index);
    if (traits.nondistributable) add('NONDISTRIBUTABLE_LAYER', layer, index);
    if (traits.encrypted || traits.foreign) return;
    // Uncompressed layers have failed at function creation (practice); zstd has no report either way.
    if (traits.compression === 'none') add('UNCOMPRESSED_LAYER', layer, index);
    else if (traits.compression !== 'gzip') add('UNVERIFIED_LAYER_COMPRESSION', layer, index);
  });
  return [...groups.entries()].map(([code, layers]) => reason(code, { layers: layers.slice(0, 20), count: layers.length }));
};

export const reportPlatform = (platform: Platform, from: ReportedPlatform['from']): ReportedPlatform => ({
  os: platform.os,
  architecture: platform.architecture,
  ...(platform.variant === undefined ? {} : { variant: platform.variant }),
  lambdaArchitecture: lambdaArchitectureOf(platform) ?? null,
  from,
});

/** Checks OS and architecture against Lambda and the target architectures. */
export const checkPlatform = (platform: ReportedPlatform, architectures: readonly LambdaArchitecture[]): Reason[] => {
  const shown = formatPlatform(platform);
  if (platform.os !== 'linux') {
    return [reason('NOT_LINUX', { os: platform.os, platform: shown })];
  }
  if (platform.lambdaArchitecture === null) {
    return [
      reason('UNSUPPORTED_ARCHITECTURE', {
        architecture: platform.architecture,
        ...(platform.variant === undefined ? {} : { variant: platform.variant }),
        platform: shown,
      }),
    ];
  }
  if (architectures.length > 0 && !architectures.includes(platform.lambdaArchitecture)) {
    return [reason('ARCHITECTURE_MISMATCH', { image: platform.lambdaArchitecture, target: [...architectures] })];
  }
  return [];
};

/**
 * Applies every rule that concerns one image manifest: config type, layers, size, manifest size,
 * OS and architecture. Never throws.
 */
export const checkImage = (manifest: ImageManifest, context: ImageContext): ImageFindings => {
  const reasons: Reason[] = [];
  if (!isImageConfig(manifest.config.mediaType)) {
    reasons.push(reason('UNSUPPORTED_CONFIG_MEDIA_TYPE', { mediaType: manifest.config.mediaType }));
  }
  reasons.push(...checkLayers(manifest));
  const compressed = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  if (compressed > MAX_IMAGE_BYTES) {
    reasons.push(reason('IMAGE_TOO_LARGE', { compressedBytes: compressed, limitBytes: MAX_IMAGE_BYTES }));
  }
  if (manifest.size > LARGE_MANIFEST_BYTES) {
    reasons.push(reason('LARGE_MANIFEST', { bytes: manifest.size, adviceBytes: LARGE_MANIFEST_BYTES }));
  }

  let platform: ReportedPlatform | null = null;
  if (context.configBytes !== undefined) {
    const config = readImageConfig(context.configBytes, manifest.config);
    if (config.ok) {
      platform = reportPlatform(config.platform, 'config');
    } else {
      reasons.push(reason(config.code, { path: config.path, problem: config.problem }));
    }
  }
  if (platform === null && context.platformHint !== undefined) platform = reportPlatform(context.platformHint, 'index');
  if (platform === null) {
    if (!reasons.some((r) => r.code === 'MALFORMED_CONFIG' || r.code === 'DIGEST_MISMATCH')) {
      reasons.push(reason('ARCHITECTURE_UNKNOWN', { config: manifest.config.digest }));
    }
  } else {
    reasons.push(...checkPlatform(platform, context.architectures));
  }
  return { reasons, platform };
};
