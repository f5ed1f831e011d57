import { describe, expect, it } from 'vitest';
import { fakeDigest } from '../../fixtures/oci-fixtures.js';
import { parsePushEvent } from '../../functions/core/push-event.js';

const DIGEST = fakeDigest('pushed');

/** An `ECR Image Action` PUSH as ECR sends it for a tagged index push. */
const basePush = () => ({
  version: '0',
  id: '13cde686-328b-6117-af20-0e5566167482',
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: '123456789012',
  time: '2026-03-01T12:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    result: 'SUCCESS',
    'repository-name': 'team/lambda-app',
    'image-digest': DIGEST as string,
    'action-type': 'PUSH',
    'image-tag': 'v7',
    'manifest-media-type': 'application/vnd.oci.image.index.v1+json',
  } as Record<string, unknown>,
});

type Event = ReturnType<typeof basePush>;
const withDetail = (patch: Record<string, unknown>): Event => {
  const event = structuredClone(basePush());
  event.detail = { ...event.detail, ...patch };
  return event;
};
const without = (event: Record<string, unknown>, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(event).filter(([key]) => !keys.includes(key)));

describe('parsePushEvent: valid pushes', () => {
  it('a tagged push, whole result', () => {
    // Act
    const result = parsePushEvent(basePush());

    // Assess
    expect(result).toStrictEqual({
      kind: 'push',
      push: {
        eventId: '13cde686-328b-6117-af20-0e5566167482',
        account: '123456789012',
        region: 'eu-west-1',
        time: '2026-03-01T12:00:00Z',
        repository: 'team/lambda-app',
        digest: DIGEST,
        tag: 'v7',
        manifestMediaType: 'application/vnd.oci.image.index.v1+json',
        artifactMediaType: null,
      },
    });
  });

  it.each([
    { name: 'an empty tag (index child, push by digest)', patch: { 'image-tag': '' }, tag: null },
    { name: 'no tag at all', patch: { 'image-tag': undefined }, tag: null },
    { name: 'a unicode tag (kept verbatim; renderers escape)', patch: { 'image-tag': 'ünïcødé-☃' }, tag: 'ünïcødé-☃' },
    { name: 'a 300-character tag', patch: { 'image-tag': 't'.repeat(300) }, tag: 't'.repeat(300) },
    { name: 'a tag holding Slack markup', patch: { 'image-tag': '<!channel>' }, tag: '<!channel>' },
    { name: 'no result field', patch: { result: undefined }, tag: 'v7' },
  ])('$name', ({ patch, tag }) => {
    // Act
    const result = parsePushEvent(withDetail(patch));

    // Assess
    expect(result).toMatchObject({ kind: 'push', push: { tag, digest: DIGEST } });
  });

  it('keeps both media types of a single-manifest push', () => {
    // Prepare
    const event = withDetail({
      'manifest-media-type': 'application/vnd.oci.image.manifest.v1+json',
      'artifact-media-type': 'application/vnd.oci.image.config.v1+json',
    });

    // Act
    const result = parsePushEvent(event);

    // Assess
    expect(result).toMatchObject({
      kind: 'push',
      push: {
        manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      },
    });
  });

  it.each(['us-east-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'eu-central-2'])('accepts region %s', (region) => {
    // Prepare
    const event = { ...basePush(), region };

    // Act
    const result = parsePushEvent(event);

    // Assess
    expect(result).toMatchObject({ kind: 'push', push: { region } });
  });
});

describe('parsePushEvent: NOT_A_PUSH', () => {
  it.each([
    { name: 'another source', event: () => ({ ...basePush(), source: 'aws.s3' }), reason: /source is "aws.s3"/ },
    { name: 'an image scan', event: () => ({ ...basePush(), 'detail-type': 'ECR Image Scan' }), reason: /ECR Image Scan/ },
    { name: 'a referrer action', event: () => ({ ...basePush(), 'detail-type': 'ECR Referrer Action' }), reason: /Referrer/ },
    { name: 'a deletion', event: () => withDetail({ 'action-type': 'DELETE' }), reason: /action-type is "DELETE"/ },
    { name: 'an archive', event: () => withDetail({ 'action-type': 'UPDATE_STORAGE_CLASS' }), reason: /UPDATE_STORAGE_CLASS/ },
    { name: 'a failed push', event: () => withDetail({ result: 'FAILED' }), reason: /result is "FAILED"/ },
    {
      name: 'a deletion whose other fields are odd (not our business)',
      event: () => withDetail({ 'action-type': 'DELETE', 'image-digest': 'nope', 'repository-name': 7 }),
      reason: /DELETE/,
    },
    {
      name: 'another source with a detail of its own shape',
      event: () => ({ ...basePush(), source: 'aws.ec2', detail: { state: 'running' } }),
      reason: /aws.ec2/,
    },
  ])('$name', ({ event, reason }) => {
    // Act
    const result = parsePushEvent(event());

    // Assess
    expect(result).toMatchObject({ kind: 'skip', code: 'NOT_A_PUSH' });
    if (result.kind === 'skip') expect(result.reason).toMatch(reason);
  });
});

describe('parsePushEvent: malformed events list every problem', () => {
  it.each([
    { name: 'null', event: null, problems: ['event must be an object, found null'] },
    { name: 'a string', event: 'PUSH', problems: ['event must be an object, found "PUSH"'] },
    { name: 'an array', event: [basePush()], problems: ['event must be an object, found an array'] },
    {
      name: 'no source nor detail-type',
      event: without(basePush(), 'source', 'detail-type'),
      problems: ['source must be a string, found nothing', 'detail-type must be a string, found nothing'],
    },
    {
      name: 'no source, bad account and no detail',
      event: { ...without(basePush(), 'source', 'detail'), account: 'me' },
      problems: [
        'source must be a string, found nothing',
        'account "me" is not a 12-digit AWS account id',
        'detail must be an object, found nothing',
      ],
    },
    {
      name: 'detail not an object',
      event: { ...basePush(), detail: 'PUSH' },
      problems: ['detail must be an object, found "PUSH"'],
    },
    {
      name: 'every detail field wrong at once',
      event: {
        ...basePush(),
        account: 12,
        region: 'mars',
        detail: {
          'action-type': 'PUSH',
          'repository-name': 'UPPER/case',
          'image-digest': 'sha256:abc',
          'image-tag': 'a\nb',
          'manifest-media-type': 5,
        },
      },
      problems: [
        'account must be a string, found number',
        'region "mars" is not an AWS region name',
        'detail.manifest-media-type must be a string, found number',
        'detail.repository-name "UPPER/case" is not a valid ECR repository name',
        'detail.image-digest "sha256:abc" is not a sha256 digest',
        'detail.image-tag contains control characters',
      ],
    },
    {
      name: 'missing action-type, repository and digest',
      event: { ...basePush(), detail: {} },
      problems: [
        'detail.action-type must be a string, found nothing',
        'detail.repository-name must be a string, found nothing',
        'detail.image-digest must be a string, found nothing',
      ],
    },
    {
      name: 'a sha512 digest (ECR pushes are sha256)',
      event: withDetail({ 'image-digest': `sha512:${'a'.repeat(128)}` }),
      problems: [expect.stringMatching(/^detail.image-digest "sha512:a+… \(135 characters\)" is not a sha256 digest$/)],
    },
    {
      name: 'a tag over 300 characters',
      event: withDetail({ 'image-tag': 't'.repeat(301) }),
      problems: ['detail.image-tag is 301 characters; at most 300 allowed'],
    },
    {
      name: 'a repository name of one character',
      event: withDetail({ 'repository-name': 'a' }),
      problems: ['detail.repository-name "a" is not a valid ECR repository name'],
    },
  ])('$name', ({ event, problems }) => {
    // Act
    const result = parsePushEvent(event);

    // Assess
    expect(result).toStrictEqual({ kind: 'malformed', problems });
  });
});

describe('parsePushEvent: hostile strings', () => {
  it.each([
    {
      name: 'a megabyte repository name',
      patch: { 'repository-name': 'a'.repeat(1_000_000) },
      problem: /repository-name is 1000000 characters/,
    },
    {
      name: 'a megabyte digest',
      patch: { 'image-digest': 's'.repeat(1_000_000) },
      problem: /image-digest is 1000000 characters/,
    },
    {
      name: 'a megabyte media type',
      patch: { 'manifest-media-type': 'x'.repeat(1_000_000) },
      problem: /manifest-media-type is 1000000/,
    },
    {
      name: 'a repository with Slack markup',
      patch: { 'repository-name': '<!channel>' },
      problem: /not a valid ECR repository name/,
    },
    { name: 'a digest with a path', patch: { 'image-digest': `${DIGEST}/../../etc` }, problem: /not a sha256 digest/ },
    { name: 'a tag with a NUL', patch: { 'image-tag': 'v1\u0000' }, problem: /control characters/ },
    {
      name: 'a tag that is an object',
      patch: { 'image-tag': { toString: 'v1' } },
      problem: /image-tag must be a string, found object/,
    },
  ])('$name -> malformed, quoted briefly', ({ patch, problem }) => {
    // Act
    const result = parsePushEvent(withDetail(patch));

    // Assess
    expect(result.kind).toBe('malformed');
    if (result.kind !== 'malformed') return;
    expect(result.problems.some((p) => problem.test(p))).toBe(true);
    expect(result.problems.every((p) => p.length < 300)).toBe(true);
  });

  it('ignores a prototype-polluting key', () => {
    // Prepare
    const event = JSON.parse(JSON.stringify(basePush()).replace('"detail":{', '"detail":{"__proto__":{"action-type":"DELETE"},'));

    // Act
    const result = parsePushEvent(event);

    // Assess
    expect(result).toMatchObject({ kind: 'push', push: { tag: 'v7' } });
    expect(({} as Record<string, unknown>)['action-type']).toBeUndefined();
  });
});
