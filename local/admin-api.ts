import type { CallLog } from './call-log.js';
import type { EventBus } from './event-bus.js';
import { type FaultRule, type Faults, parseFaultRule } from './faults.js';
import { adminReply, type Reply } from './http-reply.js';
import { isJsonObject } from './json-value.js';
import type { SlackLog } from './slack-webhook.js';
import type { DeliveryLog } from './sns/delivery-log.js';
import type { LocalState } from './state.js';

/** What the admin API can read and reset. */
export interface AdminTarget {
  readonly url: string;
  readonly state: LocalState;
  readonly calls: CallLog;
  readonly faults: Faults;
  readonly deliveries: DeliveryLog;
  readonly slack: SlackLog;
  readonly bus: EventBus;
}

/** What `POST /_local/reset` can clear; everything when no scope is given. */
export const RESET_SCOPES = ['state', 'calls', 'deliveries', 'slack', 'faults', 'events'] as const;
type ResetScope = (typeof RESET_SCOPES)[number];

const parseBody = (body: Buffer): { ok: true; value: unknown } | { ok: false } => {
  if (body.byteLength === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
};

/** A summary of the stored state, for people and scripts (`GET /_local/state`). */
const stateSummary = (state: LocalState): unknown => ({
  account: state.account,
  region: state.region,
  repositories: [...state.repositories.values()].map((entry) => ({
    name: entry.repository.name,
    imageTagMutability: entry.repository.imageTagMutability,
    exclusionFilters: entry.repository.exclusionFilters,
    images: [...entry.images.values()].map((image) => ({
      digest: image.digest,
      mediaType: image.mediaType,
      tags: [...entry.tags.entries()].filter(([, digest]) => digest === image.digest).map(([tag]) => tag),
    })),
    blobs: [...entry.blobs],
  })),
  topics: [...state.topics.values()].map((topic) => topic.arn),
  subscriptions: [...state.subscriptions.values()],
  secrets: [...state.secrets.keys()],
  parameters: [...state.parameters.keys()],
});

const postFaults = (faults: Faults, value: unknown): Reply => {
  const replace = isJsonObject(value) && value.replace === true;
  const raw = isJsonObject(value) && Array.isArray(value.rules) ? value.rules : [value];
  const rules: FaultRule[] = [];
  for (const entry of raw) {
    const parsed = parseFaultRule(entry);
    if (!parsed.ok) return adminReply(400, { error: parsed.message });
    rules.push(parsed.rule);
  }
  if (replace) faults.set(rules);
  else for (const rule of rules) faults.add(rule);
  return adminReply(200, { faults: faults.list() });
};

const reset = (target: AdminTarget, value: unknown): Reply => {
  const scopes =
    isJsonObject(value) && Array.isArray(value.scope) ? (value.scope as unknown[]) : ([...RESET_SCOPES] as unknown[]);
  const unknown = scopes.filter((scope) => !(RESET_SCOPES as readonly unknown[]).includes(scope));
  if (unknown.length > 0)
    return adminReply(400, { error: `unknown reset scope(s): ${unknown.join(', ')}; use ${RESET_SCOPES.join(', ')}` });
  for (const scope of scopes as ResetScope[]) {
    if (scope === 'state') {
      target.state.reset();
      target.state.flush();
    }
    if (scope === 'calls') target.calls.clear();
    if (scope === 'deliveries') target.deliveries.clear();
    if (scope === 'slack') target.slack.clear();
    if (scope === 'faults') target.faults.clear();
    if (scope === 'events') target.bus.clear();
  }
  return adminReply(200, { reset: scopes });
};

/**
 * The admin API (JSON) a separate process uses to drive and read the endpoint:
 * `GET calls[?since=&name=]`, `DELETE calls`, `GET deliveries`, `GET slack`, `GET events`, `GET state`,
 * `GET health`, `GET|POST|DELETE faults` (POST `{rules:[...], replace?}` or one rule), `POST reset` (`{scope?:[...]}`).
 */
export const handleAdmin = (target: AdminTarget, method: string, path: string, url: URL, body: Buffer): Reply => {
  const parsed = parseBody(body);
  if (!parsed.ok) return adminReply(400, { error: 'the body must be JSON' });
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET health':
      return adminReply(200, { ok: true, url: target.url, region: target.state.region, account: target.state.account });
    case 'GET calls': {
      const since = url.searchParams.get('since');
      const name = url.searchParams.get('name');
      return adminReply(200, {
        timeOrigin: performance.timeOrigin,
        calls: target.calls.list({ ...(since === null ? {} : { since: Number(since) }), ...(name === null ? {} : { name }) }),
      });
    }
    case 'DELETE calls':
      target.calls.clear();
      return adminReply(200, { cleared: 'calls' });
    case 'GET deliveries':
      return adminReply(200, { deliveries: target.deliveries.list() });
    case 'GET slack':
      return adminReply(200, { messages: target.slack.list() });
    case 'GET events':
      return adminReply(200, { events: target.bus.events });
    case 'GET state':
      return adminReply(200, stateSummary(target.state));
    case 'GET faults':
      return adminReply(200, { faults: target.faults.list() });
    case 'POST faults':
      return postFaults(target.faults, parsed.value);
    case 'DELETE faults':
      target.faults.clear();
      return adminReply(200, { faults: [] });
    case 'POST reset':
      return reset(target, parsed.value);
    default:
      return adminReply(404, { error: `no admin route ${route}` });
  }
};
