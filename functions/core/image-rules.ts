import type { Descriptor } from './descriptor.js';
import { formatBytes } from './format-bytes.js';
import { readImageConfig } from './image-config.js';
import { LARGE_MANIFEST_BYTES, MAX_IMAGE_BYTES, type ReasonCode } from './lambda-rules.js';
import type { ImageManifest } from './manifest.js';
import { isImageConfig, layerTraits } from './media-type.js';
import { formatPlatform, type LambdaArchitecture, lambdaArchitectureOf, type Platform } from './platform.js';
import { reason } from './reason.js';
import type { Reason, ReportedPlatform } from './verdict.js';

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

const layerRef = (layer: Descriptor, index: number) => ({
  index,
  digest: layer.digest,
  mediaType: layer.mediaType,
  size: layer.size,
});

const checkLayers = (manifest: ImageManifest): Reason[] => {
  const groups = new Map<ReasonCode, ReturnType<typeof layerRef>[]>();
  const add = (code: ReasonCode, layer: Descriptor, index: number) => {
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
    if (traits.compression !== 'gzip' && !traits.encrypted && !traits.foreign) add('UNVERIFIED_LAYER_COMPRESSION', layer, index);
  });
  const messages: Record<string, (n: number) => string> = {
    UNSUPPORTED_LAYER_MEDIA_TYPE: (n) => `${n} layer(s) use a media type that is not a filesystem layer Lambda can unpack`,
    ENCRYPTED_LAYER: (n) => `${n} layer(s) are encrypted; Lambda cannot decrypt them`,
    FOREIGN_LAYER: (n) => `${n} layer(s) are foreign (Windows base) layers that are not stored in the registry`,
    NONDISTRIBUTABLE_LAYER: (n) => `${n} layer(s) are marked non-distributable; Lambda support is undocumented`,
    UNVERIFIED_LAYER_COMPRESSION: (n) =>
      `${n} layer(s) are not gzip-compressed (zstd or uncompressed); only gzip is known to deploy`,
  };
  return [...groups.entries()].map(([code, layers]) =>
    reason(code, messages[code]?.(layers.length) ?? code, { layers: layers.slice(0, 20), count: layers.length }),
  );
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
    return [reason('NOT_LINUX', `the image is built for ${shown}; Lambda runs Linux images only`, { os: platform.os })];
  }
  if (platform.lambdaArchitecture === null) {
    return [
      reason('UNSUPPORTED_ARCHITECTURE', `the image is built for ${shown}; Lambda runs x86_64 (amd64) or arm64 only`, {
        architecture: platform.architecture,
        ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      }),
    ];
  }
  if (architectures.length > 0 && !architectures.includes(platform.lambdaArchitecture)) {
    return [
      reason(
        'ARCHITECTURE_MISMATCH',
        `the image is ${platform.lambdaArchitecture} but the function targets ${architectures.join(' or ')}`,
        { image: platform.lambdaArchitecture, target: [...architectures] },
      ),
    ];
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
    reasons.push(
      reason('UNSUPPORTED_CONFIG_MEDIA_TYPE', `the config media type "${manifest.config.mediaType}" is not an image config`, {
        mediaType: manifest.config.mediaType,
      }),
    );
  }
  reasons.push(...checkLayers(manifest));
  const compressed = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  if (compressed > MAX_IMAGE_BYTES) {
    reasons.push(
      reason('IMAGE_TOO_LARGE', `compressed layers alone are ${formatBytes(compressed)}; Lambda's limit is 10 GiB uncompressed`, {
        compressedBytes: compressed,
        limitBytes: MAX_IMAGE_BYTES,
      }),
    );
  }
  if (manifest.size > LARGE_MANIFEST_BYTES) {
    reasons.push(
      reason('LARGE_MANIFEST', `the manifest is ${manifest.size} bytes; Lambda advises under ${LARGE_MANIFEST_BYTES}`, {
        bytes: manifest.size,
        adviceBytes: LARGE_MANIFEST_BYTES,
      }),
    );
  }

  let platform: ReportedPlatform | null = null;
  if (context.configBytes !== undefined) {
    const config = readImageConfig(context.configBytes, manifest.config);
    if (config.ok) {
      platform = reportPlatform(config.platform, 'config');
    } else {
      reasons.push(reason(config.code, config.message, { path: config.path, digest: manifest.config.digest }));
    }
  }
  if (platform === null && context.platformHint !== undefined) platform = reportPlatform(context.platformHint, 'index');
  if (platform === null) {
    if (!reasons.some((r) => r.code === 'MALFORMED_MANIFEST' || r.code === 'DIGEST_MISMATCH')) {
      reasons.push(
        reason('ARCHITECTURE_UNKNOWN', 'the image config was not available, so OS and architecture were not checked', {
          config: manifest.config.digest,
        }),
      );
    }
  } else {
    reasons.push(...checkPlatform(platform, context.architectures));
  }
  return { reasons, platform };
};
