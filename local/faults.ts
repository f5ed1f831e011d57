import { isJsonObject } from './json-value.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/**
 * What can go wrong with a call:
 * - `latency`: answer after `latencyMs` (combines with the others);
 * - `throttle`: the service's throttling error (ECR `ThrottlingException`, SNS `Throttling`, Slack 429);
 * - `error`: a 5xx (`ServerException`, `InternalError`, or a bare 5xx for blobs and Slack);
 * - `timeout`: never answer; the client gives up;
 * - `reset`: destroy the connection without an answer;
 * - `truncate`: announce the full `Content-Length`, send fewer bytes, then close;
 * - `denied`: the service's permanent access refusal (ECR `AccessDeniedException`, SNS
 *   `AuthorizationError` 403, S3 `AccessDenied` 403, Slack 403 `invalid_token`);
 * - `kms`: the key behind the resource is disabled (ECR `KmsException`, SNS `KMSDisabledException`,
 *   Secrets Manager `DecryptionFailure`; elsewhere the same as `denied`).
 */
export type FaultKind = 'latency' | 'throttle' | 'error' | 'timeout' | 'reset' | 'truncate' | 'denied' | 'kms';

const KINDS: readonly FaultKind[] = ['latency', 'throttle', 'error', 'timeout', 'reset', 'truncate', 'denied', 'kms'];

/**
 * One fault rule. `operation` names calls as `service:Operation` (`ecr:PutImage`, `sns:Publish`,
 * `secretsmanager:GetSecretValue`, `ssm:GetParameter`, `blob:GetBlob`, `slack:PostMessage`); `*` is a
 * wildcard (`ecr:*`, `*`).
 */
export interface FaultRule {
  readonly operation: string;
  readonly kind: FaultKind;
  /** Applies to the next `times` matching calls, then the rule is spent. Unlimited when absent. */
  readonly times?: number;
  /** `throttle` only: calls above this rate (token bucket, burst = one second) are throttled. */
  readonly ratePerSecond?: number;
  /** `latency` only. */
  readonly latencyMs?: number;
  /** `error` only: 500 (default), 502, 503 or 504. */
  readonly status?: number;
  /** `truncate` only: body bytes actually sent (default: half the body). */
  readonly truncateToBytes?: number;
  /** `throttle` on Slack: the `Retry-After` header, in seconds (default 1). */
  readonly retryAfterSeconds?: number;
}

/** A rule as held by the registry, with its id and what is left of it. */
export interface ActiveFault {
  readonly id: string;
  readonly rule: FaultRule;
  readonly remaining: number | null;
  readonly applied: number;
}

/** The failure a call must suffer, if any. */
export interface FaultFailure {
  readonly ruleId: string;
  readonly kind: Exclude<FaultKind, 'latency'>;
  readonly status: number;
  readonly truncateToBytes: number | null;
  readonly retryAfterSeconds: number;
}

/** What happens to one call: a delay, then possibly a failure. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly failure: FaultFailure | null;
}

/** The fault registry of one endpoint, settable in-process and through `POST /_local/faults`. */
export interface Faults {
  /** Adds a rule and returns its id. */
  add(rule: FaultRule): string;
  /** Replaces every rule. */
  set(rules: readonly FaultRule[]): void;
  remove(id: string): boolean;
  clear(): void;
  list(): readonly ActiveFault[];
  /** Consumes matching rules for one call to `service:Operation`. */
  decide(operation: string): FaultDecision;
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

interface Entry {
  readonly id: string;
  readonly rule: FaultRule;
  readonly matcher: RegExp;
  readonly bucket: TokenBucket | null;
  remaining: number | null;
  applied: number;
}

/** Parses a rule from JSON (the admin API), or says what is wrong with it. */
export const parseFaultRule = (value: unknown): { ok: true; rule: FaultRule } | { ok: false; message: string } => {
  if (!isJsonObject(value)) return { ok: false, message: 'a fault rule must be an object' };
  const { operation, kind } = value;
  if (typeof operation !== 'string' || operation === '') return { ok: false, message: 'operation must be a non-empty string' };
  if (typeof kind !== 'string' || !KINDS.includes(kind as FaultKind)) {
    return { ok: false, message: `kind must be one of ${KINDS.join(', ')}` };
  }
  const numbers = ['times', 'ratePerSecond', 'latencyMs', 'status', 'truncateToBytes', 'retryAfterSeconds'] as const;
  const rule: Record<string, unknown> = { operation, kind };
  for (const key of numbers) {
    const member = value[key];
    if (member === undefined || member === null) continue;
    if (typeof member !== 'number' || !Number.isFinite(member) || member < 0) {
      return { ok: false, message: `${key} must be a non-negative number` };
    }
    rule[key] = member;
  }
  if (rule.status !== undefined && (typeof rule.status !== 'number' || rule.status < 500 || rule.status > 599)) {
    return { ok: false, message: 'status must be a 5xx code' };
  }
  if (kind === 'latency' && rule.latencyMs === undefined) return { ok: false, message: 'a latency rule needs latencyMs' };
  return { ok: true, rule: rule as unknown as FaultRule };
};

/** Creates an empty registry. */
export const createFaults = (): Faults => {
  let entries: Entry[] = [];
  let next = 1;
  const add = (rule: FaultRule): string => {
    const id = `fault-${next}`;
    next += 1;
    entries.push({
      id,
      rule,
      matcher: globToRegExp(rule.operation),
      bucket:
        rule.kind === 'throttle' && rule.ratePerSecond !== undefined && rule.ratePerSecond > 0
          ? createTokenBucket(rule.ratePerSecond)
          : null,
      remaining: rule.times ?? null,
      applied: 0,
    });
    return id;
  };
  const spend = (entry: Entry): void => {
    entry.applied += 1;
    if (entry.remaining !== null) entry.remaining -= 1;
  };
  return {
    add,
    set: (rules) => {
      entries = [];
      for (const rule of rules) add(rule);
    },
    remove: (id) => {
      const before = entries.length;
      entries = entries.filter((entry) => entry.id !== id);
      return entries.length !== before;
    },
    clear: () => {
      entries = [];
    },
    list: () => entries.map(({ id, rule, remaining, applied }) => ({ id, rule, remaining, applied })),
    decide: (operation) => {
      let latencyMs = 0;
      let failure: FaultFailure | null = null;
      for (const entry of entries) {
        if (!entry.matcher.test(operation) || entry.remaining === 0) continue;
        if (entry.rule.kind === 'latency') {
          latencyMs = Math.max(latencyMs, entry.rule.latencyMs ?? 0);
          spend(entry);
          continue;
        }
        if (failure !== null) continue;
        // A rate rule only fires for calls above the rate; calls within it pass untouched.
        if (entry.bucket?.tryTake()) continue;
        spend(entry);
        failure = {
          ruleId: entry.id,
          kind: entry.rule.kind,
          status: entry.rule.kind === 'error' ? (entry.rule.status ?? 500) : entry.rule.kind === 'throttle' ? 429 : 0,
          truncateToBytes: entry.rule.truncateToBytes ?? null,
          retryAfterSeconds: entry.rule.retryAfterSeconds ?? 1,
        };
      }
      entries = entries.filter((entry) => entry.remaining !== 0);
      return { latencyMs, failure };
    },
  };
};
