import { describe, expect, it } from 'vitest';
import { buildEventPattern } from '../../functions/config/event-pattern.js';

const BASE = { source: ['aws.ecr'], 'detail-type': ['ECR Image Action'] };

describe('the EventBridge pattern built from configuration', () => {
  it.each([
    { include: [], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] } },
    { include: ['*'], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] } },
    { include: ['api', '*'], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] } },
    {
      include: ['api', 'team-a/*', 'cdk-*-assets', '*-lambda', 'a*b*'],
      detail: {
        'action-type': ['PUSH'],
        result: ['SUCCESS'],
        // Exact names as strings, one trailing star as a prefix, any other star as a wildcard.
        'repository-name': [
          'api',
          { prefix: 'team-a/' },
          { wildcard: 'cdk-*-assets' },
          { wildcard: '*-lambda' },
          { wildcard: 'a*b*' },
        ],
      },
    },
  ])('include $include', ({ include, detail }) => {
    // Guard tags are not filtered out: they are checked whoever wrote them.
    expect(buildEventPattern({ includeRepositories: include })).toStrictEqual({ ...BASE, detail });
  });
});
