import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from '../event-bus.js';

/** What one successful push changed, enough to describe it as ECR does. */
export interface PushedImage {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
  readonly digest: string;
  /** The tag written, or null for a push by digest only. */
  readonly tag: string | null;
  readonly manifestMediaType: string;
  /** The config media type of an image manifest; null (and absent from the event) for indexes. */
  readonly artifactMediaType: string | null;
  readonly atEpochMs: number;
}

/**
 * The `ECR Image Action` event ECR sends to EventBridge for a push (user guide, ecr-eventbridge): an
 * untagged push carries `image-tag: ""`, and an index has no `artifact-media-type`.
 */
export const imageActionEvent = (push: PushedImage): EventBridgeEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: push.account,
  time: new Date(push.atEpochMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: push.region,
  resources: [],
  detail: {
    result: 'SUCCESS',
    'repository-name': push.repository,
    'image-digest': push.digest,
    'action-type': 'PUSH',
    ...(push.artifactMediaType === null ? {} : { 'artifact-media-type': push.artifactMediaType }),
    'image-tag': push.tag ?? '',
    'manifest-media-type': push.manifestMediaType,
  },
});
