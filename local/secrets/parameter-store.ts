import { createInputReader } from '../input-reader.js';
import { ServiceError } from '../service-error.js';
import type { LocalState, ParameterRecord } from '../state.js';

/** The `x-amz-target` prefix of SSM (awsJson1_1). */
export const SSM_TARGET_PREFIX = 'AmazonSSM.';

const VALIDATION = 'ValidationException';
const TYPES = ['String', 'StringList', 'SecureString'] as const;
/** Standard-tier parameters hold at most 4 KB. */
const MAX_STANDARD_VALUE = 4096;

const resolveName = (state: LocalState, raw: string): { name: string; version: number | null } => {
  const arnPrefix = `arn:aws:ssm:${state.region}:${state.account}:parameter`;
  const withoutArn = raw.startsWith(arnPrefix) ? raw.slice(arnPrefix.length) : raw;
  const selector = /^(.*):(\d+)$/.exec(withoutArn);
  return selector === null ? { name: withoutArn, version: null } : { name: selector[1] ?? '', version: Number(selector[2]) };
};

const parameterArn = (state: LocalState, name: string): string =>
  `arn:aws:ssm:${state.region}:${state.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

/**
 * A stand-in for KMS ciphertext: what GetParameter returns for a SecureString without WithDecryption.
 * It is deliberately not the plain value.
 */
const ciphertext = (parameter: ParameterRecord): string =>
  Buffer.from(`local-kms:${parameter.keyId ?? 'alias/aws/ssm'}:${Buffer.from(parameter.value).toString('base64')}`).toString(
    'base64',
  );

/** GetParameter (name, ARN, or `name:version` of the current version). */
const getParameter = (state: LocalState, body: unknown): unknown => {
  const reader = createInputReader(body, VALIDATION);
  const raw = reader.requiredString('Name', { min: 1, max: 2048 });
  const withDecryption = reader.optionalBoolean('WithDecryption') ?? false;
  const { name, version } = resolveName(state, raw);
  const parameter = state.parameters.get(name);
  if (parameter === undefined) throw new ServiceError('ParameterNotFound', `Parameter ${name} not found.`);
  if (version !== null && version !== parameter.version) {
    throw new ServiceError('ParameterVersionNotFound', `Systems Manager could not find version ${version} of ${name}.`);
  }
  const value = parameter.type === 'SecureString' && !withDecryption ? ciphertext(parameter) : parameter.value;
  return {
    Parameter: {
      Name: parameter.name,
      Type: parameter.type,
      Value: value,
      Version: parameter.version,
      ...(version === null ? {} : { Selector: `:${version}` }),
      LastModifiedDate: parameter.lastModifiedEpochMs / 1000,
      ARN: parameter.arn,
      DataType: parameter.dataType,
    },
  };
};

/** PutParameter: creates, or with `Overwrite` replaces (a new version). */
const putParameter = (state: LocalState, body: unknown, now: number): unknown => {
  const reader = createInputReader(body, VALIDATION);
  const name = reader.requiredString('Name', { min: 1, max: 2048 });
  const value = reader.requiredString('Value');
  const type = reader.optionalString('Type', { enum: TYPES }) as ParameterRecord['type'] | undefined;
  const overwrite = reader.optionalBoolean('Overwrite') ?? false;
  const description = reader.optionalString('Description', { max: 1024 }) ?? null;
  const keyId = reader.optionalString('KeyId', { min: 1, max: 256 }) ?? null;
  const dataType = reader.optionalString('DataType', { enum: ['text', 'aws:ec2:image', 'aws:ssm:integration'] }) ?? 'text';
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new ServiceError(VALIDATION, 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  }
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name) || (name.includes('/') && !name.startsWith('/'))) {
    throw new ServiceError(
      'ParameterPatternMismatchException',
      'Parameter name must be letters, digits and . - _ /, and a hierarchical name must begin with a forward slash (/).',
    );
  }
  if (value.length > MAX_STANDARD_VALUE) {
    throw new ServiceError(
      VALIDATION,
      `Standard tier parameters support a maximum parameter value of ${MAX_STANDARD_VALUE} characters.`,
    );
  }
  if (keyId !== null && type !== 'SecureString') {
    throw new ServiceError(VALIDATION, 'KeyId is only allowed for SecureString parameters.');
  }
  const existing = state.parameters.get(name);
  if (existing !== undefined && !overwrite) {
    throw new ServiceError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  const effectiveType = type ?? existing?.type;
  if (effectiveType === undefined)
    throw new ServiceError(VALIDATION, 'A parameter type is required when you create a parameter.');
  const parameter: ParameterRecord = {
    name,
    arn: parameterArn(state, name),
    type: effectiveType,
    value,
    version: (existing?.version ?? 0) + 1,
    dataType,
    description: description ?? existing?.description ?? null,
    keyId: keyId ?? existing?.keyId ?? null,
    lastModifiedEpochMs: now,
  };
  state.parameters.set(name, parameter);
  state.markDirty();
  return { Version: parameter.version, Tier: 'Standard' };
};

const OPERATIONS: Readonly<Record<string, (state: LocalState, body: unknown, now: number) => unknown>> = {
  GetParameter: (state, body) => getParameter(state, body),
  PutParameter: putParameter,
};

/** The SSM operations the local endpoint implements. */
export const SSM_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** Runs one SSM operation. */
export const handleParameterStore = (state: LocalState, operation: string, body: unknown, now: number): unknown => {
  const run = OPERATIONS[operation];
  if (run === undefined) {
    throw new ServiceError('UnknownOperationException', `The local endpoint does not implement SSM operation ${operation}`);
  }
  return run(state, body, now);
};
