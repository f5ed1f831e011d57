import type { EventBridgeEvent } from '../event-bus.js';
import type { InputReader } from '../input-reader.js';
import type { LocalState, RepositoryState } from '../state.js';
import type { TokenBucket } from '../token-bucket.js';
import { REGISTRY_ID_RULE, REPOSITORY_NAME_RULE, repositoryNotFound } from './ecr-shapes.js';

/**
 * How BatchGetImage treats a stored manifest whose media type is not in `acceptedMediaTypes`:
 * `strict` (default) reports it as a failure and never returns it; `lenient` returns it as stored.
 * Neither converts anything (real ECR may translate schema 2 to schema 1 when pulling by tag).
 */
export type AcceptedMediaTypesMode = 'strict' | 'lenient';

/** What the ECR operations need from the endpoint. */
export interface EcrContext {
  readonly state: LocalState;
  /** Enforce `LayersNotFoundException` on PutImage for config/layer blobs never uploaded. */
  readonly requireLayers: boolean;
  readonly acceptedMediaTypes: AcceptedMediaTypesMode;
  /** PutImage's 10 TPS quota, when enabled. */
  readonly putImageLimiter: TokenBucket | null;
  /** Hands an `ECR Image Action` event to the bus, asynchronously. */
  readonly emit: (event: EventBridgeEvent) => void;
  /** A pre-signed-style URL serving a blob of this repository. */
  readonly downloadUrl: (repository: string, digest: string) => string;
  /** Wall clock, epoch milliseconds. */
  readonly now: () => number;
}

/** Reads `registryId` + `repositoryName` and finds the repository, or raises ECR's error. */
export const findRepository = (context: EcrContext, reader: InputReader): RepositoryState => {
  const registryId = reader.optionalString('registryId', REGISTRY_ID_RULE) ?? context.state.account;
  const name = reader.requiredString('repositoryName', REPOSITORY_NAME_RULE);
  const found = registryId === context.state.account ? context.state.repositories.get(name) : undefined;
  if (found === undefined) throw repositoryNotFound(name, registryId);
  return found;
};

/** ECR answers timestamps as epoch seconds (awsJson `timestamp`), with millisecond precision. */
export const epochSeconds = (epochMs: number): number => epochMs / 1000;
