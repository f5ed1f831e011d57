import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ECR_OPERATIONS } from '../../local/ecr/ecr-service.js';
import { LAMBDA_OPERATIONS } from '../../local/lambda/lambda-functions.js';
import { SSM_OPERATIONS } from '../../local/secrets/parameter-store.js';
import { SECRETS_MANAGER_OPERATIONS } from '../../local/secrets/secrets-manager.js';
import { SNS_ACTIONS } from '../../local/sns/sns-service.js';

const doc = readFileSync(new URL('../../docs/local-endpoint.md', import.meta.url), 'utf8');

/** The operations the page lists in its row for one service. */
const documented = (service: string): string[] => {
  const row = doc.split('\n').find((line) => line.startsWith(`| ${service} |`));
  const cells = row?.split('|') ?? [];
  return [...(cells[cells.length - 2] ?? '').matchAll(/`(\w+)`/g)].map((match) => match[1] ?? '');
};

describe('docs/local-endpoint.md lists exactly what the local endpoint implements', () => {
  it.each([
    ['Amazon ECR', ECR_OPERATIONS],
    ['Amazon SNS', SNS_ACTIONS],
    ['AWS Secrets Manager', SECRETS_MANAGER_OPERATIONS],
    ['AWS Systems Manager Parameter Store', SSM_OPERATIONS],
    ['AWS Lambda', LAMBDA_OPERATIONS],
  ])('%s', (service, implemented) => {
    expect(implemented.length).toBeGreaterThan(0);
    expect(documented(service).sort()).toEqual([...implemented].sort());
  });
});
