import { randomBytes, randomUUID } from 'node:crypto';
import { createInputReader } from '../input-reader.js';
import { ServiceError } from '../service-error.js';
import type { LocalState, SecretRecord } from '../state.js';

/** The `x-amz-target` prefix of Secrets Manager (awsJson1_1). */
export const SECRETS_MANAGER_TARGET_PREFIX = 'secretsmanager.';

const INVALID_PARAMETER = 'InvalidParameterException';
const NAME_RULE = { min: 1, max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, patternText: '[a-zA-Z0-9/_+=.@-]+' } as const;

const notFound = (message = "Secrets Manager can't find the specified secret."): ServiceError =>
  new ServiceError('ResourceNotFoundException', message);

/** Finds a secret by name, full ARN, or partial ARN (the ARN without its random six-character suffix). */
const findSecret = (state: LocalState, id: string): SecretRecord | undefined => {
  const byName = state.secrets.get(id);
  if (byName !== undefined) return byName;
  return [...state.secrets.values()].find((secret) => secret.arn === id || secret.arn.slice(0, -7) === id);
};

const readSecretValue = (input: Record<string, unknown>): { secretString: string | null; secretBinaryBase64: string | null } => {
  const reader = createInputReader(input, INVALID_PARAMETER);
  const secretString = reader.optionalString('SecretString', { max: 65_536 }) ?? null;
  const secretBinaryBase64 = reader.optionalString('SecretBinary', { max: 87_384 }) ?? null;
  if (secretString !== null && secretBinaryBase64 !== null) {
    throw new ServiceError(
      INVALID_PARAMETER,
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  return { secretString, secretBinaryBase64 };
};

/** CreateSecret (one version, staged `AWSCURRENT`). */
const createSecret = (state: LocalState, body: unknown, now: number): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const name = reader.requiredString('Name', NAME_RULE);
  const token = reader.optionalString('ClientRequestToken', { min: 32, max: 64 });
  const description = reader.optionalString('Description', { max: 2048 }) ?? null;
  const value = readSecretValue(reader.input);
  if (state.secrets.has(name)) {
    throw new ServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
  }
  // Secret ARNs end in a hyphen and six random characters, so a re-created secret gets a new ARN.
  const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  const secret: SecretRecord = {
    arn: `arn:aws:secretsmanager:${state.region}:${state.account}:secret:${name}-${suffix}`,
    name,
    versionId: token ?? randomUUID(),
    ...value,
    description,
    createdAtEpochMs: now,
  };
  state.secrets.set(name, secret);
  state.markDirty();
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
};

/** GetSecretValue. */
const getSecretValue = (state: LocalState, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const id = reader.requiredString('SecretId', { min: 1, max: 2048 });
  const versionId = reader.optionalString('VersionId', { min: 32, max: 64 });
  const stage = reader.optionalString('VersionStage', { min: 1, max: 256 });
  const secret = findSecret(state, id);
  if (secret === undefined) throw notFound();
  if (versionId !== undefined && versionId !== secret.versionId) {
    throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
  }
  if (stage !== undefined && stage !== 'AWSCURRENT') {
    throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    ...(secret.secretString === null ? {} : { SecretString: secret.secretString }),
    ...(secret.secretBinaryBase64 === null ? {} : { SecretBinary: secret.secretBinaryBase64 }),
    VersionStages: ['AWSCURRENT'],
    CreatedDate: secret.createdAtEpochMs / 1000,
  };
};

/**
 * PutSecretValue: a new `AWSCURRENT` version of an existing secret (the local store keeps one version).
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 */
const putSecretValue = (state: LocalState, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const id = reader.requiredString('SecretId', { min: 1, max: 2048 });
  const token = reader.optionalString('ClientRequestToken', { min: 32, max: 64 });
  const value = readSecretValue(reader.input);
  if (value.secretString === null && value.secretBinaryBase64 === null) {
    throw new ServiceError(INVALID_PARAMETER, 'You must provide either SecretString or SecretBinary.');
  }
  const secret = findSecret(state, id);
  if (secret === undefined) throw notFound();
  const updated: SecretRecord = { ...secret, ...value, versionId: token ?? randomUUID() };
  state.secrets.set(secret.name, updated);
  state.markDirty();
  return { ARN: updated.arn, Name: updated.name, VersionId: updated.versionId, VersionStages: ['AWSCURRENT'] };
};

const OPERATIONS: Readonly<Record<string, (state: LocalState, body: unknown, now: number) => unknown>> = {
  CreateSecret: createSecret,
  GetSecretValue: (state, body) => getSecretValue(state, body),
  PutSecretValue: (state, body) => putSecretValue(state, body),
};

/** The Secrets Manager operations the local endpoint implements. */
export const SECRETS_MANAGER_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** Runs one Secrets Manager operation. */
export const handleSecretsManager = (state: LocalState, operation: string, body: unknown, now: number): unknown => {
  const run = OPERATIONS[operation];
  if (run === undefined) {
    throw new ServiceError(
      'UnknownOperationException',
      `The local endpoint does not implement Secrets Manager operation ${operation}`,
    );
  }
  return run(state, body, now);
};
