/** An OCI platform (image-index.md `platform`), normalised. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

/** The two architecture names a Lambda function accepts. */
export type LambdaArchitecture = 'x86_64' | 'arm64';

// Names seen in the wild for the same machine, as regclient's platform.normalize() and
// containerd's platforms package fold them.
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
};

/**
 * Normalises a platform: lowercase, architecture aliases folded, and the baseline variant dropped
 * (every arm64 is v8 or later, so `arm64/v8` and `arm64` are the same target; `amd64/v1` is the
 * x86-64 baseline itself), as containerd's `platforms.Normalize` does.
 */
export const normalizePlatform = (platform: Platform): Platform => {
  const os = platform.os.toLowerCase();
  const rawArch = platform.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = platform.variant?.toLowerCase();
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return {
    os,
    architecture,
    ...(variant === undefined || variant === '' ? {} : { variant }),
    ...(platform.osVersion === undefined ? {} : { osVersion: platform.osVersion }),
  };
};

/** `linux/arm64`, `linux/arm/v7`, `unknown/unknown`. */
export const formatPlatform = (platform: Platform): string =>
  [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== '').join('/');

/** The Lambda architecture for an (already normalised) platform, or `undefined` when Lambda has none. */
export const lambdaArchitectureOf = (platform: Platform): LambdaArchitecture | undefined => {
  if (platform.architecture === 'amd64' && platform.variant === undefined) return 'x86_64';
  if (platform.architecture === 'arm64' && platform.variant === undefined) return 'arm64';
  return undefined;
};

/** True for BuildKit's attestation placeholder platform. */
export const isUnknownPlatform = (platform: Platform): boolean =>
  platform.os === 'unknown' && platform.architecture === 'unknown';

/** Parses `x86_64`, `amd64`, `arm64`, `aarch64` into a Lambda architecture. */
export const parseLambdaArchitecture = (value: string): LambdaArchitecture | undefined => {
  const folded = value.trim().toLowerCase();
  const arch = ARCH_ALIASES[folded] ?? folded;
  if (arch === 'amd64') return 'x86_64';
  if (arch === 'arm64') return 'arm64';
  return undefined;
};
