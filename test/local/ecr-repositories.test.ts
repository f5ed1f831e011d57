import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  type ImageTagMutability,
  PutImageTagMutabilityCommand,
} from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEndpoint } from '../../local/server.js';
import { rejectionOf, startEcr } from './local-test-kit.js';

describe('ECR repositories', () => {
  let endpoint: LocalEndpoint;
  let ecr: ECRClient;
  beforeEach(async () => {
    ({ endpoint, ecr } = await startEcr());
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('creates a repository with the ARN, URI and defaults ECR reports', async () => {
    // Act
    const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/app' }));

    // Assess
    expect(created.repository).toMatchObject({
      repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/app',
      registryId: '123456789012',
      repositoryName: 'team/app',
      repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app',
      imageTagMutability: 'MUTABLE',
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(created.repository?.createdAt).toBeInstanceOf(Date);
  });

  it.each([
    { name: 'too short', repositoryName: 'a', message: /length greater than or equal to 2/ },
    { name: 'upper case', repositoryName: 'App', message: /must satisfy regular expression/ },
    { name: 'leading separator', repositoryName: '-app', message: /must satisfy regular expression/ },
    { name: 'double slash', repositoryName: 'a//b', message: /must satisfy regular expression/ },
    { name: 'too long', repositoryName: 'a'.repeat(257), message: /length less than or equal to 256/ },
  ])('refuses a repository name that is $name', async ({ repositoryName, message }) => {
    // Act
    const error = await rejectionOf(ecr.send(new CreateRepositoryCommand({ repositoryName })));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
    expect(endpoint.state.repositories.size).toBe(0);
  });

  it.each([
    {
      name: 'IMMUTABLE_WITH_EXCLUSION without filters',
      mutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: [] as string[],
      message: /at least one exclusion filter/,
    },
    { name: 'filters with MUTABLE', mutability: 'MUTABLE', filters: ['*'], message: /only allowed with/ },
    { name: 'a filter with a space', mutability: 'IMMUTABLE_WITH_EXCLUSION', filters: ['a b'], message: /regular expression/ },
    {
      name: 'six filters',
      mutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['t0', 't1', 't2', 't3', 't4', 't5'],
      message: /length less than or equal to 5/,
    },
    { name: 'an unknown mutability', mutability: 'SOMETIMES', filters: [], message: /enum value set/ },
  ])('refuses $name', async ({ mutability, filters, message }) => {
    // Act
    const error = await rejectionOf(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'app',
          // Deliberately unchecked: the table includes a value the SDK types would refuse.
          imageTagMutability: mutability as ImageTagMutability,
          ...(filters.length === 0
            ? {}
            : { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter })) }),
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
  });

  it('answers RepositoryAlreadyExistsException for a second create', async () => {
    // Prepare
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));

    // Act
    const error = await rejectionOf(ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })));

    // Assess
    expect(error.name).toBe('RepositoryAlreadyExistsException');
    expect(error.message).toContain("'app'");
  });

  it('describes named repositories and reports a missing one', async () => {
    // Prepare
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'app',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: '*-deployable' }],
      }),
    );

    // Act
    const found = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] }));
    const missing = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['app', 'nope'] })));

    // Assess
    expect(found.repositories?.[0]?.imageTagMutabilityExclusionFilters).toEqual([
      { filterType: 'WILDCARD', filter: '*-deployable' },
    ]);
    expect(missing.name).toBe('RepositoryNotFoundException');
    expect(missing.message).toBe("The repository with name 'nope' does not exist in the registry with id '123456789012'");
  });

  it('pages through all repositories with maxResults and nextToken', async () => {
    // Prepare
    for (const name of ['r1', 'r2', 'r3', 'r4', 'r5']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));

    // Act
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ecr.send(
        new DescribeRepositoriesCommand({ maxResults: 2, ...(nextToken === undefined ? {} : { nextToken }) }),
      );
      names.push(...(page.repositories ?? []).map((repository) => repository.repositoryName ?? ''));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken !== undefined);

    // Assess
    expect(names).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(pages).toBe(3);
  });

  it('refuses a nextToken it never issued', async () => {
    // Act
    const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({ nextToken: 'bogus' })));

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toContain('nextToken');
  });

  it('changes tag mutability with PutImageTagMutability', async () => {
    // Prepare
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));

    // Act
    const changed = await ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: 'app',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
      }),
    );

    // Assess
    expect(changed.imageTagMutability).toBe('MUTABLE_WITH_EXCLUSION');
    expect(endpoint.state.repositories.get('app')?.repository.exclusionFilters).toEqual([
      { filterType: 'WILDCARD', filter: 'release-*' },
    ]);
  });
});
