import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../tools/tool-support.js';

/**
 * Debian's umoci, skopeo and buildah run inside one temporary folder (no Docker engine, no registry:
 * the `oci:`, `oci-archive:` and `dir:` transports only), so tests can make images with the real
 * tools users have, including what those tools let a user write wrongly.
 */

export interface LayoutEntry {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
}

export const readLayoutIndex = async (layout: string): Promise<{ manifests: LayoutEntry[] }> =>
  JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: LayoutEntry[] };

/** The layout entry named `ref` (`org.opencontainers.image.ref.name`). */
export const entryNamed = async (layout: string, ref: string): Promise<LayoutEntry> => {
  const entry = (await readLayoutIndex(layout)).manifests.find(
    (candidate) => candidate.annotations?.['org.opencontainers.image.ref.name'] === ref,
  );
  if (entry === undefined) throw new Error(`${layout} has no ${ref}`);
  return entry;
};

export interface OciTools {
  readonly skopeo: (...args: string[]) => string;
  readonly buildah: (...args: string[]) => string;
  /** Makes a one-layer umoci image `layout:ref` whose config states `linux/<architecture>`; returns its digest. */
  readonly umociImage: (layout: string, ref: string, architecture: string) => Promise<string>;
}

/** The three tools, with every bit of their state (policy, storage, caches) kept under `work`. */
export const ociTools = async (work: string): Promise<OciTools> => {
  const at = (...parts: string[]): string => join(work, ...parts);
  const home = at('home');
  await mkdir(join(home, '.config', 'containers'), { recursive: true });
  const policy = join(home, '.config', 'containers', 'policy.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  await mkdir(at('tmp'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    TMPDIR: at('tmp'),
    // As root, containers/image keeps its blob-info cache in /var/lib/containers whatever HOME says;
    // naming a non-root uid moves it under XDG_DATA_HOME, inside this temp dir (skopeo 1.9, buildah 1.28).
    ...(process.getuid?.() === 0 ? { _CONTAINERS_ROOTLESS_UID: '65534' } : {}),
  };
  await mkdir(at('rootfs', 'app'), { recursive: true });
  await writeFile(at('rootfs', 'app', 'run.sh'), '#!/bin/sh\necho "hello from $(uname -m)"\n');
  await chmod(at('rootfs', 'app', 'run.sh'), 0o755);
  const rootless = process.getuid?.() === 0 ? [] : ['--rootless'];
  return {
    skopeo: (...args) => run('skopeo', ['--policy', policy, ...args], { env }),
    buildah: (...args) =>
      run('buildah', ['--root', at('buildah-root'), '--runroot', at('buildah-run'), '--storage-driver', 'vfs', ...args], {
        env,
      }),
    umociImage: async (layout, ref, architecture) => {
      const image = `${layout}:${ref}`;
      if ((await readLayoutIndex(layout).catch(() => null)) === null) run('umoci', ['init', '--layout', layout]);
      run('umoci', ['new', '--image', image]);
      run('umoci', ['insert', ...rootless, '--image', image, at('rootfs', 'app'), '/app']);
      run('umoci', [
        'config',
        '--image',
        image,
        '--architecture',
        architecture,
        '--os',
        'linux',
        '--config.entrypoint',
        '/app/run.sh',
      ]);
      return (await entryNamed(layout, ref)).digest;
    },
  };
};
