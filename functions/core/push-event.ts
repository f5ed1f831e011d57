import { truncate } from './descriptor.js';
import { type Digest, parseDigest } from './digest.js';

/** An ECR push, as the guard needs it. Strings are as ECR sent them (hostile until escaped). */
export interface PushEvent {
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  readonly time: string;
  readonly repository: string;
  readonly digest: Digest;
  /** The pushed tag, or `null` for an untagged push (index children, push by digest). */
  readonly tag: string | null;
  readonly manifestMediaType: string | null;
  readonly artifactMediaType: string | null;
}

/** Why an event needs no check. Stable codes, logged and counted. */
export type EventSkipCode =
  | 'NOT_A_PUSH'
  | 'UNTAGGED_PUSH'
  | 'VERDICT_TAG_REFUSED'
  | 'REPOSITORY_EXCLUDED'
  | 'SUPERSEDED'
  | 'ACCOUNT_OUTSIDE_ORGANIZATION';

export type EventParse =
  | { readonly kind: 'push'; readonly push: PushEvent }
  | { readonly kind: 'skip'; readonly code: 'NOT_A_PUSH'; readonly reason: string }
  | { readonly kind: 'malformed'; readonly problems: readonly string[] };

/** ECR repository names (API_CreateRepository `repositoryName`): 2–256 characters of this grammar. */
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** ECR `imageTag`: 1–300 characters; control characters are never part of a tag. */
const MAX_TAG = 300;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects.
const CONTROL = /[\u0000-\u001f\u007f]/;
const ACCOUNT = /^\d{12}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${truncate(value, 60)}"`;
  return typeof value;
};

/**
 * Parses an EventBridge event at the edge. A push is `source: aws.ecr`, `detail-type: ECR Image
 * Action`, `action-type: PUSH`, `result: SUCCESS`; other valid ECR events are skipped with
 * `NOT_A_PUSH`; anything that is not a well-formed event is `malformed`, with every problem listed
 * (so the log says exactly what was wrong and the event is not retried for ever).
 */
export const parsePushEvent = (event: unknown): EventParse => {
  if (!isObject(event)) return { kind: 'malformed', problems: [`event must be an object, found ${describe(event)}`] };
  const problems: string[] = [];
  const str = (value: unknown, path: string, options: { optional?: boolean; max?: number } = {}): string | null => {
    if (value === undefined && options.optional === true) return null;
    if (typeof value !== 'string') {
      problems.push(`${path} must be a string, found ${value === undefined ? 'nothing' : describe(value)}`);
      return null;
    }
    if (options.max !== undefined && value.length > options.max) {
      problems.push(`${path} is ${value.length} characters; at most ${options.max} allowed`);
      return null;
    }
    return value;
  };

  // The envelope first: every EventBridge event has these, whatever its source.
  const source = str(event.source, 'source', { max: 256 });
  const detailType = str(event['detail-type'], 'detail-type', { max: 256 });
  const envelopeBroken = problems.length > 0;
  if (!envelopeBroken && source !== 'aws.ecr') {
    return { kind: 'skip', code: 'NOT_A_PUSH', reason: `source is ${describe(source)}, not aws.ecr` };
  }
  if (!envelopeBroken && detailType !== 'ECR Image Action') {
    return { kind: 'skip', code: 'NOT_A_PUSH', reason: `detail-type is ${describe(detailType)}, not ECR Image Action` };
  }
  const eventId = str(event.id, 'id', { max: 128 }) ?? '';
  const account = str(event.account, 'account', { max: 12 });
  const region = str(event.region, 'region', { max: 64 });
  const time = str(event.time, 'time', { optional: true, max: 64 }) ?? '';
  if (account !== null && !ACCOUNT.test(account)) problems.push(`account ${describe(account)} is not a 12-digit AWS account id`);
  if (region !== null && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    problems.push(`region ${describe(region)} is not an AWS region name`);
  }
  if (!isObject(event.detail)) {
    problems.push(`detail must be an object, found ${event.detail === undefined ? 'nothing' : describe(event.detail)}`);
    return { kind: 'malformed', problems };
  }
  // Without a readable source and detail-type there is no telling what shape the detail should have.
  if (envelopeBroken) return { kind: 'malformed', problems };

  const detail = event.detail;
  const actionType = str(detail['action-type'], 'detail.action-type', { max: 64 });
  const result = str(detail.result, 'detail.result', { optional: true, max: 64 });
  // A valid ECR event that is not a successful push needs no check, even if the rest of it is odd.
  if (actionType !== null && actionType !== 'PUSH') {
    return { kind: 'skip', code: 'NOT_A_PUSH', reason: `action-type is ${describe(actionType)}` };
  }
  if (result !== null && result !== 'SUCCESS')
    return { kind: 'skip', code: 'NOT_A_PUSH', reason: `result is ${describe(result)}` };

  const repository = str(detail['repository-name'], 'detail.repository-name', { max: 256 });
  const digestText = str(detail['image-digest'], 'detail.image-digest', { max: 200 });
  const tagText = str(detail['image-tag'], 'detail.image-tag', { optional: true, max: MAX_TAG });
  const manifestMediaType = str(detail['manifest-media-type'], 'detail.manifest-media-type', { optional: true, max: 255 });
  const artifactMediaType = str(detail['artifact-media-type'], 'detail.artifact-media-type', { optional: true, max: 255 });

  if (repository !== null && !REPOSITORY_NAME.test(repository)) {
    problems.push(`detail.repository-name ${describe(repository)} is not a valid ECR repository name`);
  }
  let digest: Digest | null = null;
  if (digestText !== null) {
    const parsed = parseDigest(digestText);
    if (parsed.ok && parsed.digest.startsWith('sha256:')) digest = parsed.digest;
    else problems.push(`detail.image-digest ${describe(digestText)} is not a sha256 digest`);
  }
  if (tagText !== null && CONTROL.test(tagText)) problems.push('detail.image-tag contains control characters');
  if (problems.length > 0 || repository === null || digest === null || account === null || region === null) {
    return { kind: 'malformed', problems };
  }
  return {
    kind: 'push',
    push: {
      eventId,
      account,
      region,
      time,
      repository,
      digest,
      tag: tagText === null || tagText === '' ? null : tagText,
      manifestMediaType,
      artifactMediaType,
    },
  };
};
