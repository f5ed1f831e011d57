import { createInputReader, type InputReader } from '../input-reader.js';
import { isJsonObject } from '../json-value.js';
import { ServiceError } from '../service-error.js';
import type { ExclusionFilter, ImageTagMutability, RepositoryRecord, ResourceTag } from '../state.js';
import { type EcrContext, epochSeconds, findRepository } from './ecr-context.js';
import {
  DEFAULT_PAGE_SIZE,
  INVALID_PARAMETER,
  MAX_RESULTS,
  REGISTRY_ID_RULE,
  REPOSITORY_NAME_RULE,
  repositoryNotFound,
} from './ecr-shapes.js';
import { pageOf } from './pagination.js';

const MUTABILITIES: readonly ImageTagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
];
const ENCRYPTION_TYPES = ['AES256', 'KMS', 'KMS_DSSE'] as const;

/** The `Repository` structure as the API returns it. */
export const repositoryShape = (repository: RepositoryRecord): Record<string, unknown> => ({
  repositoryArn: repository.arn,
  registryId: repository.registryId,
  repositoryName: repository.name,
  repositoryUri: repository.uri,
  createdAt: epochSeconds(repository.createdAtEpochMs),
  imageTagMutability: repository.imageTagMutability,
  ...(repository.exclusionFilters.length === 0
    ? {}
    : { imageTagMutabilityExclusionFilters: repository.exclusionFilters.map((filter) => ({ ...filter })) }),
  imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
  encryptionConfiguration: {
    encryptionType: repository.encryptionType,
    ...(repository.kmsKey === null ? {} : { kmsKey: repository.kmsKey }),
  },
});

/** Reads `imageTagMutability` + `imageTagMutabilityExclusionFilters` and checks they fit together. */
export const readMutability = (
  reader: InputReader,
  required: boolean,
): { mutability: ImageTagMutability; filters: readonly ExclusionFilter[] } => {
  const mutability = (
    required
      ? reader.requiredString('imageTagMutability', { enum: MUTABILITIES })
      : (reader.optionalString('imageTagMutability', { enum: MUTABILITIES }) ?? 'MUTABLE')
  ) as ImageTagMutability;
  const raw = reader.optionalList('imageTagMutabilityExclusionFilters', { min: 1, max: 5 }) ?? [];
  const filters = raw.map((entry, index): ExclusionFilter => {
    const item = createInputReader(entry, INVALID_PARAMETER, `imageTagMutabilityExclusionFilters.${index + 1}`);
    item.requiredString('filterType', { enum: ['WILDCARD'] });
    const filter = item.requiredString('filter', {
      min: 1,
      max: 128,
      pattern: /^[0-9a-zA-Z._*-]{1,128}$/,
      patternText: '^[0-9a-zA-Z._*-]{1,128}$',
    });
    return { filterType: 'WILDCARD', filter };
  });
  const withExclusion = mutability === 'IMMUTABLE_WITH_EXCLUSION' || mutability === 'MUTABLE_WITH_EXCLUSION';
  if (withExclusion && filters.length === 0) {
    reader.fail('imageTagMutabilityExclusionFilters', `at least one exclusion filter is required with ${mutability}`);
  }
  if (!withExclusion && filters.length > 0) {
    reader.fail(
      'imageTagMutabilityExclusionFilters',
      `exclusion filters are only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not ${mutability}`,
    );
  }
  return { mutability, filters };
};

const readTags = (reader: InputReader): readonly ResourceTag[] => {
  const raw = reader.optionalList('tags') ?? [];
  if (raw.length > 50)
    throw new ServiceError('TooManyTagsException', 'The maximum number of tags that can be applied to a repository is 50.');
  return raw.map((entry) => {
    if (!isJsonObject(entry) || typeof entry.Key !== 'string' || typeof entry.Value !== 'string') {
      throw new ServiceError('InvalidTagParameterException', 'Each tag needs a string Key and a string Value.');
    }
    if (entry.Key.length < 1 || entry.Key.length > 128 || entry.Value.length > 256) {
      throw new ServiceError(
        'InvalidTagParameterException',
        'Tag keys can have a maximum character length of 128 characters, and tag values can have a maximum length of 256 characters.',
      );
    }
    return { Key: entry.Key, Value: entry.Value };
  });
};

/** CreateRepository. */
export const createRepository = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const registryId = reader.optionalString('registryId', REGISTRY_ID_RULE) ?? context.state.account;
  const name = reader.requiredString('repositoryName', REPOSITORY_NAME_RULE);
  const { mutability, filters } = readMutability(reader, false);
  const tags = readTags(reader);
  const scanning = reader.optionalObject('imageScanningConfiguration');
  const encryption = reader.optionalObject('encryptionConfiguration');
  const encryptionReader = createInputReader(encryption ?? {}, INVALID_PARAMETER, 'encryptionConfiguration');
  const encryptionType =
    encryption === undefined ? 'AES256' : encryptionReader.requiredString('encryptionType', { enum: ENCRYPTION_TYPES });
  const kmsKey = encryptionReader.optionalString('kmsKey', { min: 1, max: 2048 }) ?? null;
  if (registryId !== context.state.account) {
    throw new ServiceError(
      INVALID_PARAMETER,
      `The local endpoint only hosts registry '${context.state.account}', not '${registryId}'`,
    );
  }
  if (context.state.repositories.has(name)) {
    throw new ServiceError(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${registryId}'`,
    );
  }
  const { account, region } = context.state;
  const repository: RepositoryRecord = {
    name,
    arn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
    registryId: account,
    uri: `${account}.dkr.ecr.${region}.amazonaws.com/${name}`,
    createdAtEpochMs: context.now(),
    imageTagMutability: mutability,
    exclusionFilters: filters,
    scanOnPush: scanning?.scanOnPush === true,
    encryptionType,
    kmsKey,
    tags,
  };
  context.state.repositories.set(name, { repository, images: new Map(), tags: new Map(), blobs: new Set(), uploads: new Map() });
  context.state.markDirty();
  return { repository: repositoryShape(repository) };
};

/** DescribeRepositories. */
export const describeRepositories = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const registryId = reader.optionalString('registryId', REGISTRY_ID_RULE) ?? context.state.account;
  const names = reader.optionalList('repositoryNames', { min: 1, max: 100 });
  const maxResults = reader.optionalInteger('maxResults', MAX_RESULTS);
  const nextToken = reader.optionalString('nextToken');
  if (names !== undefined) {
    if (maxResults !== undefined || nextToken !== undefined) {
      reader.fail('maxResults', 'maxResults and nextToken cannot be used together with repositoryNames');
    }
    const repositories = names.map((entry, index) => {
      if (typeof entry !== 'string') return reader.fail(`repositoryNames.${index + 1}`, 'Member must be a string');
      const found = registryId === context.state.account ? context.state.repositories.get(entry) : undefined;
      if (found === undefined) throw repositoryNotFound(entry, registryId);
      return repositoryShape(found.repository);
    });
    return { repositories };
  }
  const all = registryId === context.state.account ? [...context.state.repositories.values()] : [];
  const sorted = all.map((entry) => entry.repository).sort((a, b) => a.name.localeCompare(b.name));
  const page = pageOf(sorted, maxResults ?? DEFAULT_PAGE_SIZE, nextToken, reader);
  return { repositories: page.items.map(repositoryShape), ...(page.nextToken === null ? {} : { nextToken: page.nextToken }) };
};

/** PutImageTagMutability. */
export const putImageTagMutability = (context: EcrContext, body: unknown): unknown => {
  const reader = createInputReader(body, INVALID_PARAMETER);
  const entry = findRepository(context, reader);
  const { mutability, filters } = readMutability(reader, true);
  entry.repository = { ...entry.repository, imageTagMutability: mutability, exclusionFilters: filters };
  context.state.markDirty();
  return {
    registryId: entry.repository.registryId,
    repositoryName: entry.repository.name,
    imageTagMutability: mutability,
    ...(filters.length === 0 ? {} : { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ ...filter })) }),
  };
};
