import { type Blob, blobOf, deterministicGzip, jsonBytes, sha256Digest } from './oci-bytes.js';
import { buildTar, type TarEntrySpec } from './tar-builder.js';

/**
 * A tiny Lambda-shaped container image (one gzip layer, an OCI config with a Lambda-like
 * entrypoint), built entirely in memory with fixed timestamps.
 */

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** What to build. */
export interface LambdaImageSpec {
  readonly architecture: string;
  readonly os?: string;
  /** RFC 3339 creation time written into the config and history. */
  readonly created: string;
  /** Seconds since the epoch for the layer's files. */
  readonly mtime: number;
}

/** An image: its manifest blob plus the config and layer it names. */
export interface BuiltImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** The layer's files: what a Node.js function image adds on top of the runtime. */
const LAYER_FILES: readonly TarEntrySpec[] = [
  {
    name: 'lambda-entrypoint.sh',
    mode: 0o755,
    data: text('#!/bin/sh\n# Stand-in for the AWS base image entrypoint.\nexec "$@"\n'),
  },
  { name: 'var/', type: 'directory' },
  { name: 'var/task/', type: 'directory' },
  {
    name: 'var/task/index.mjs',
    data: text('export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ ok: true, event }) });\n'),
  },
  { name: 'var/task/package.json', data: text('{"name":"orders-service","version":"7.0.0","type":"module"}\n') },
];

/** Builds the image. Same spec, same bytes. */
export const buildLambdaImage = (spec: LambdaImageSpec): BuiltImage => {
  const tar = buildTar(LAYER_FILES, { mtime: spec.mtime });
  const layer = blobOf(OCI_LAYER_GZIP, deterministicGzip(tar));
  const config = blobOf(
    OCI_CONFIG,
    jsonBytes({
      created: spec.created,
      architecture: spec.architecture,
      os: spec.os ?? 'linux',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LAMBDA_TASK_ROOT=/var/task'],
        Entrypoint: ['/lambda-entrypoint.sh'],
        Cmd: ['index.handler'],
        WorkingDir: '/var/task',
      },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [
        { created: spec.created, created_by: 'COPY . / # buildkit', comment: 'buildkit.dockerfile.v0' },
        {
          created: spec.created,
          created_by: 'ENTRYPOINT ["/lambda-entrypoint.sh"]',
          comment: 'buildkit.dockerfile.v0',
          empty_layer: true,
        },
        { created: spec.created, created_by: 'CMD ["index.handler"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
      ],
    }),
  );
  const manifest = blobOf(
    OCI_MANIFEST,
    jsonBytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: config.descriptor, layers: [layer.descriptor] }),
  );
  return { manifest, config, layers: [layer] };
};

/** Every blob of an image, manifest first. */
export const imageBlobs = (image: BuiltImage): readonly Blob[] => [image.manifest, image.config, ...image.layers];
