import { createHash } from 'node:crypto';
import {
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  ECRClient,
  InitiateLayerUploadCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type LocalEndpoint, type LocalEndpointOptions, startLocalEndpoint } from '../../local/server.js';

/** Shared helpers for the local endpoint tests: a started endpoint, real SDK clients and manifest builders. */

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

interface ClientTuning {
  readonly maxAttempts?: number;
}

const config = (endpoint: LocalEndpoint, tuning: ClientTuning) => ({
  endpoint: endpoint.url,
  region: endpoint.region,
  credentials,
  maxAttempts: tuning.maxAttempts ?? 1,
});

export const ecrClient = (endpoint: LocalEndpoint, tuning: ClientTuning = {}): ECRClient =>
  new ECRClient(config(endpoint, tuning));
export const snsClient = (endpoint: LocalEndpoint, tuning: ClientTuning = {}): SNSClient =>
  new SNSClient(config(endpoint, tuning));
export const secretsClient = (endpoint: LocalEndpoint): SecretsManagerClient => new SecretsManagerClient(config(endpoint, {}));
export const ssmClient = (endpoint: LocalEndpoint): SSMClient => new SSMClient(config(endpoint, {}));

/** A fresh endpoint, an ECR client for it and, when `repositoryName` is given, that repository (empty). */
export const startEcr = async (
  repositoryName?: string,
  options: LocalEndpointOptions = {},
): Promise<{ readonly endpoint: LocalEndpoint; readonly ecr: ECRClient }> => {
  const endpoint = await startLocalEndpoint(options);
  const ecr = ecrClient(endpoint);
  if (repositoryName !== undefined) await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  return { endpoint, ecr };
};

/** A fresh endpoint, an SNS client for it and a topic named `topicName`. */
export const startSns = async (
  topicName: string,
  options: LocalEndpointOptions = {},
): Promise<{ readonly endpoint: LocalEndpoint; readonly sns: SNSClient; readonly topicArn: string }> => {
  const endpoint = await startLocalEndpoint(options);
  const sns = snsClient(endpoint);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn ?? '';
  return { endpoint, sns, topicArn };
};

export const sha256 = (data: Uint8Array | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

/** A blob with its descriptor. */
export interface Blob {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly descriptor: { mediaType: string; digest: string; size: number };
}

export const blob = (content: string, mediaType: string): Blob => {
  const bytes = new TextEncoder().encode(content);
  const digest = sha256(bytes);
  return { bytes, digest, descriptor: { mediaType, digest, size: bytes.byteLength } };
};

/** An image manifest (OCI by default) with its config and layer blobs; `indent` changes only the bytes. */
export interface ImageManifest {
  readonly text: string;
  readonly digest: string;
  readonly config: Blob;
  readonly layers: readonly Blob[];
  readonly size: number;
}

export const imageManifest = (
  options: {
    seed?: string;
    architecture?: string;
    layers?: number;
    docker?: boolean;
    indent?: number;
    withMediaType?: boolean;
  } = {},
): ImageManifest => {
  const seed = options.seed ?? 'app';
  const config = blob(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      os: 'linux',
      config: { Labels: { seed } },
      rootfs: { type: 'layers' },
    }),
    options.docker === true ? DOCKER_CONFIG : OCI_CONFIG,
  );
  const layers = Array.from({ length: options.layers ?? 1 }, (_, index) => blob(`layer ${seed} ${index}`, OCI_LAYER));
  const body = {
    schemaVersion: 2,
    ...(options.withMediaType === false ? {} : { mediaType: options.docker === true ? DOCKER_MANIFEST : OCI_MANIFEST }),
    config: config.descriptor,
    layers: layers.map((layer) => layer.descriptor),
  };
  const text = JSON.stringify(body, null, options.indent ?? 0);
  return { text, digest: sha256(text), config, layers, size: Buffer.byteLength(text) };
};

/** An OCI index over the given children. */
export const indexManifest = (
  children: readonly {
    readonly digest: string;
    readonly size: number;
    readonly platform?: { architecture: string; os: string };
  }[],
  mediaType: string = OCI_INDEX,
): { text: string; digest: string } => {
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    manifests: children.map((child) => ({
      mediaType: mediaType === OCI_INDEX ? OCI_MANIFEST : DOCKER_MANIFEST,
      digest: child.digest,
      size: child.size,
      platform: child.platform ?? { architecture: 'amd64', os: 'linux' },
    })),
  });
  return { text, digest: sha256(text) };
};

/** Uploads a blob through InitiateLayerUpload / UploadLayerPart / CompleteLayerUpload. */
export const uploadBlob = async (ecr: ECRClient, repositoryName: string, bytes: Uint8Array): Promise<string> => {
  const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
  await ecr.send(
    new UploadLayerPartCommand({
      repositoryName,
      uploadId,
      partFirstByte: 0,
      partLastByte: bytes.byteLength - 1,
      layerPartBlob: bytes,
    }),
  );
  const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha256(bytes)] }));
  return done.layerDigest ?? '';
};

/** The error a promise rejects with (fails the test if it resolves). */
export const rejectionOf = async (
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
};
