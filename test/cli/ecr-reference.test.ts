import { describe, expect, it } from 'vitest';
import { parseEcrReference } from '../../cli/ecr-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseEcrReference', () => {
  it.each([
    { text: 'orders:v7', expected: { repository: 'orders', tag: 'v7', digest: null, registryId: null, region: null } },
    // ECR's tag alphabet admits a leading "-" or "." (its validation names [a-zA-Z0-9-_.]+) and 300 characters.
    { text: 'orders:-x', expected: { repository: 'orders', tag: '-x', digest: null, registryId: null, region: null } },
    { text: `orders:${'r'.repeat(300)}`, expected: { repository: 'orders', tag: 'r'.repeat(300), digest: null } },
    {
      text: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/orders@${DIGEST}`,
      expected: { repository: 'team/orders', tag: null, digest: DIGEST, registryId: '123456789012', region: 'eu-west-1' },
    },
  ])('reads $text', ({ text, expected }) => {
    // Act + Assess
    expect(parseEcrReference(text)).toMatchObject(expected);
  });

  it.each([
    { text: 'orders:my tag', message: 'is not a valid image tag' },
    { text: `orders:${'r'.repeat(301)}`, message: 'is not a valid image tag' },
    { text: 'orders:v7!', message: 'is not a valid image tag' },
    { text: 'orders@sha256:xyz', message: 'invalid digest' },
    { text: 'Orders:v7', message: 'is neither a local path nor an ECR reference' },
    { text: 'orders', message: 'no tag or digest' },
  ])('refuses $text naming the problem', ({ text, message }) => {
    // Act + Assess
    expect(() => parseEcrReference(text)).toThrow(message);
  });
});
