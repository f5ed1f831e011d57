import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeValue, isJsonObject, type JsonObject } from './json-value.js';

/** The four tag-mutability settings of the ECR API (`ImageTagMutability`). */
export type ImageTagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

/** `ImageTagMutabilityExclusionFilter`; `WILDCARD` is the only filter type the model defines. */
export interface ExclusionFilter {
  readonly filterType: 'WILDCARD';
  readonly filter: string;
}

/** A resource tag (`Key`/`Value`), as ECR and SNS spell it. */
export interface ResourceTag {
  readonly Key: string;
  readonly Value: string;
}

/** An ECR repository. */
export interface RepositoryRecord {
  readonly name: string;
  readonly arn: string;
  readonly registryId: string;
  readonly uri: string;
  readonly createdAtEpochMs: number;
  readonly imageTagMutability: ImageTagMutability;
  readonly exclusionFilters: readonly ExclusionFilter[];
  readonly scanOnPush: boolean;
  readonly encryptionType: string;
  readonly kmsKey: string | null;
  readonly tags: readonly ResourceTag[];
}

/** A stored manifest: the exact string pushed, plus what ECR derives from it. */
export interface ImageRecord {
  readonly digest: string;
  /** Exactly the `imageManifest` string that was pushed; never re-serialised. */
  readonly manifest: string;
  readonly mediaType: string;
  /** The config media type of an image manifest (`artifactMediaType`); null for indexes. */
  readonly artifactMediaType: string | null;
  /** Config and layer digests an image manifest references (what GetDownloadUrlForLayer may serve). */
  readonly blobDigests: readonly string[];
  /** Manifests an index references. */
  readonly childDigests: readonly string[];
  readonly subjectDigest: string | null;
  readonly sizeInBytes: number;
  readonly pushedAtEpochMs: number;
}

/** A layer upload in progress (InitiateLayerUpload .. CompleteLayerUpload). */
export interface UploadRecord {
  readonly id: string;
  readonly parts: Uint8Array[];
  received: number;
}

/** One repository with its images, tags and uploaded blobs. */
export interface RepositoryState {
  repository: RepositoryRecord;
  readonly images: Map<string, ImageRecord>;
  /** tag -> digest */
  readonly tags: Map<string, string>;
  /** Blobs uploaded into this repository (BatchCheckLayerAvailability answers from these). */
  readonly blobs: Set<string>;
  readonly uploads: Map<string, UploadRecord>;
}

/** An SNS topic. */
export interface TopicRecord {
  readonly arn: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: readonly ResourceTag[];
}

/** An SNS subscription. */
export interface SubscriptionRecord {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly owner: string;
  readonly attributes: Readonly<Record<string, string>>;
  confirmed: boolean;
}

/** A Secrets Manager secret (one version, `AWSCURRENT`). */
export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly secretString: string | null;
  readonly secretBinaryBase64: string | null;
  readonly description: string | null;
  readonly createdAtEpochMs: number;
}

/** An SSM parameter. */
export interface ParameterRecord {
  readonly name: string;
  readonly arn: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  readonly value: string;
  readonly version: number;
  readonly dataType: string;
  readonly description: string | null;
  readonly keyId: string | null;
  readonly lastModifiedEpochMs: number;
}

/** Everything the local endpoint stores, in memory, optionally mirrored to a directory. */
export interface LocalState {
  readonly account: string;
  readonly region: string;
  /** The directory the state is persisted to, or null for memory only. */
  readonly dir: string | null;
  readonly repositories: Map<string, RepositoryState>;
  /** Content-addressed blob store shared by all repositories (digest -> bytes). */
  readonly blobs: Map<string, Uint8Array>;
  readonly topics: Map<string, TopicRecord>;
  readonly subscriptions: Map<string, SubscriptionRecord>;
  /** By secret name. */
  readonly secrets: Map<string, SecretRecord>;
  /** By parameter name. */
  readonly parameters: Map<string, ParameterRecord>;
  /** Stores bytes in the blob store (and on disk when persisted); returns their sha256 digest. */
  putBlob(bytes: Uint8Array): string;
  /** Notes that something changed; {@link flush} writes it out. */
  markDirty(): void;
  /** Writes the state file if anything changed and a directory is set. */
  flush(): void;
  /** Forgets everything (and rewrites the state file). */
  reset(): void;
}

/** Options for {@link createLocalState}. */
export interface LocalStateOptions {
  readonly account: string;
  readonly region: string;
  /** Persist to this directory (`state.json` + `blobs/sha256/<hex>`) and load from it on start. */
  readonly dir?: string;
}

const STATE_FILE = 'state.json';
const FORMAT_VERSION = 1;

/** sha256 of exactly these bytes, as an OCI digest. */
export const sha256Digest = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface PersistedRepository {
  readonly repository: RepositoryRecord;
  readonly images: readonly ImageRecord[];
  readonly tags: readonly (readonly [string, string])[];
  readonly blobs: readonly string[];
}

interface PersistedState {
  readonly version: number;
  readonly repositories: readonly PersistedRepository[];
  readonly topics: readonly TopicRecord[];
  readonly subscriptions: readonly SubscriptionRecord[];
  readonly secrets: readonly SecretRecord[];
  readonly parameters: readonly ParameterRecord[];
}

const blobPath = (dir: string, digest: string): string => {
  const [algorithm = 'sha256', hex = ''] = digest.split(':');
  return join(dir, 'blobs', algorithm, hex);
};

/** A state directory or state file that cannot be used: the message names the path (and the field). */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Creates the directory one level at a time: node's recursive mkdir never returns for some
 * unwritable parents (`/proc/nope`), and a file in the way (`/dev/null/x`) must be named, not looped on.
 */
const ensureStateDirectory = (dir: string): void => {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    if (!statSync(existing).isDirectory()) throw new StateFileError(`state directory ${dir}: ${existing} is not a directory`);
    for (const path of missing) mkdirSync(path);
    accessSync(target, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (error instanceof StateFileError) throw error;
    throw new StateFileError(`state directory ${dir} cannot be created or written (${errorCode(error)})`);
  }
};

type FieldCheck = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'string|null';

const checkFields = (file: string, where: string, value: unknown, fields: Readonly<Record<string, FieldCheck>>): void => {
  if (!isJsonObject(value)) throw new StateFileError(`${file}: ${where} must be an object, found ${describeValue(value)}`);
  for (const [field, kind] of Object.entries(fields)) {
    const found = value[field];
    const ok =
      kind === 'array'
        ? Array.isArray(found)
        : kind === 'object'
          ? isJsonObject(found)
          : kind === 'string|null'
            ? found === null || typeof found === 'string'
            : typeof found === kind;
    if (!ok)
      throw new StateFileError(
        `${file}: ${where}.${field} must be ${kind === 'array' ? 'an array' : `a ${kind}`}, found ${describeValue(found)}`,
      );
  }
};

const listField = (file: string, parsed: JsonObject, field: string): readonly unknown[] => {
  const value = parsed[field] ?? [];
  if (!Array.isArray(value)) throw new StateFileError(`${file}: ${field} must be an array, found ${describeValue(value)}`);
  return value;
};

/** Reads and checks a state file; every problem names the file and the field, never a bare parser message. */
const readStateFile = (file: string): PersistedState => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StateFileError(
      error instanceof SyntaxError
        ? `${file} is not valid JSON (${error.message})`
        : `${file} cannot be read (${errorCode(error)})`,
    );
  }
  if (!isJsonObject(parsed) || parsed.version !== FORMAT_VERSION) {
    throw new StateFileError(`${file} is not a local endpoint state file (format version ${FORMAT_VERSION})`);
  }
  const repositories = listField(file, parsed, 'repositories');
  repositories.forEach((entry, index) => {
    checkFields(file, `repositories[${index}]`, entry, { repository: 'object', images: 'array', tags: 'array', blobs: 'array' });
    const record = entry as JsonObject;
    checkFields(file, `repositories[${index}].repository`, record.repository, { name: 'string', arn: 'string', uri: 'string' });
    (record.images as unknown[]).forEach((image, at) => {
      checkFields(file, `repositories[${index}].images[${at}]`, image, {
        digest: 'string',
        manifest: 'string',
        mediaType: 'string',
      });
    });
    (record.tags as unknown[]).forEach((pair, at) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
        throw new StateFileError(`${file}: repositories[${index}].tags[${at}] must be a [tag, digest] pair`);
    });
  });
  const named = (field: string, key: string): readonly unknown[] => {
    const list = listField(file, parsed as JsonObject, field);
    list.forEach((entry, index) => {
      checkFields(file, `${field}[${index}]`, entry, { [key]: 'string' });
    });
    return list;
  };
  return {
    version: FORMAT_VERSION,
    repositories: repositories as PersistedRepository[],
    topics: named('topics', 'arn') as TopicRecord[],
    subscriptions: named('subscriptions', 'arn') as SubscriptionRecord[],
    secrets: named('secrets', 'name') as SecretRecord[],
    parameters: named('parameters', 'name') as ParameterRecord[],
  };
};

/** Creates the state, loading a previous run's state when `dir` holds one. */
export const createLocalState = (options: LocalStateOptions): LocalState => {
  const dir = options.dir ?? null;
  const repositories = new Map<string, RepositoryState>();
  const blobs = new Map<string, Uint8Array>();
  const topics = new Map<string, TopicRecord>();
  const subscriptions = new Map<string, SubscriptionRecord>();
  const secrets = new Map<string, SecretRecord>();
  const parameters = new Map<string, ParameterRecord>();
  let dirty = false;

  const load = (root: string): void => {
    const file = join(root, STATE_FILE);
    if (!existsSync(file)) return;
    const saved = readStateFile(file);
    for (const entry of saved.repositories) {
      repositories.set(entry.repository.name, {
        repository: entry.repository,
        images: new Map(entry.images.map((image) => [image.digest, image])),
        tags: new Map(entry.tags.map(([tag, digest]) => [tag, digest])),
        blobs: new Set(entry.blobs),
        uploads: new Map(),
      });
    }
    for (const topic of saved.topics) topics.set(topic.arn, topic);
    for (const subscription of saved.subscriptions) subscriptions.set(subscription.arn, { ...subscription });
    for (const secret of saved.secrets) secrets.set(secret.name, secret);
    for (const parameter of saved.parameters) parameters.set(parameter.name, parameter);
    const blobRoot = join(root, 'blobs');
    if (!existsSync(blobRoot)) return;
    for (const algorithm of readdirSync(blobRoot)) {
      for (const hex of readdirSync(join(blobRoot, algorithm))) {
        blobs.set(`${algorithm}:${hex}`, new Uint8Array(readFileSync(join(blobRoot, algorithm, hex))));
      }
    }
  };

  const write = (root: string): void => {
    mkdirSync(root, { recursive: true });
    const snapshot: PersistedState = {
      version: FORMAT_VERSION,
      repositories: [...repositories.values()].map((entry) => ({
        repository: entry.repository,
        images: [...entry.images.values()],
        tags: [...entry.tags.entries()],
        blobs: [...entry.blobs],
      })),
      topics: [...topics.values()],
      subscriptions: [...subscriptions.values()],
      secrets: [...secrets.values()],
      parameters: [...parameters.values()],
    };
    // Write-then-rename so a crash never leaves half a state file behind.
    const temporary = join(root, `${STATE_FILE}.${process.pid}.tmp`);
    writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`);
    renameSync(temporary, join(root, STATE_FILE));
  };

  if (dir !== null) {
    ensureStateDirectory(dir);
    load(dir);
  }

  return {
    account: options.account,
    region: options.region,
    dir,
    repositories,
    blobs,
    topics,
    subscriptions,
    secrets,
    parameters,
    putBlob: (bytes) => {
      const digest = sha256Digest(bytes);
      if (!blobs.has(digest)) {
        blobs.set(digest, bytes);
        if (dir !== null) {
          const path = blobPath(dir, digest);
          mkdirSync(join(path, '..'), { recursive: true });
          writeFileSync(path, bytes);
        }
      }
      return digest;
    },
    markDirty: () => {
      dirty = true;
    },
    flush: () => {
      if (!dirty || dir === null) return;
      dirty = false;
      write(dir);
    },
    reset: () => {
      repositories.clear();
      blobs.clear();
      topics.clear();
      subscriptions.clear();
      secrets.clear();
      parameters.clear();
      dirty = true;
    },
  };
};
