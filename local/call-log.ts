import type { FaultKind } from './faults.js';

/** Which front door a call came through. */
export type CallService = 'ecr' | 'lambda' | 'sns' | 'secretsmanager' | 'ssm' | 'blob' | 'slack' | 'unknown';

/**
 * One request as the endpoint saw it. `startedAt`/`endedAt` are `performance.now()` milliseconds of the
 * endpoint's process (compare them with each other, never with another process's clock); the
 * `...EpochMs` fields are wall-clock.
 */
export interface CallRecord {
  readonly seq: number;
  readonly requestId: string;
  readonly service: CallService;
  readonly operation: string;
  /** `service:Operation`, the name fault rules match. */
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly startedAtEpochMs: number;
  readonly endedAtEpochMs: number;
  readonly durationMs: number;
  /** The HTTP status sent, or null when no answer was sent (reset, timeout). */
  readonly status: number | null;
  /** The modelled error code of an error answer (e.g. `ImageTagAlreadyExistsException`). */
  readonly errorCode: string | null;
  readonly fault: FaultKind | null;
  /** The SDK's attempt number from `amz-sdk-request`, when sent. */
  readonly attempt: number | null;
  /** The SDK's `amz-sdk-invocation-id` (identical across retries of one call). */
  readonly invocationId: string | null;
}

/** Filters for {@link CallLog.list}. */
export interface CallFilter {
  /** Only calls with `seq` greater than this. */
  readonly since?: number;
  /** Only calls with this `name` (`ecr:PutImage`) or service (`ecr`). */
  readonly name?: string;
}

/** The endpoint's call log. */
export interface CallLog {
  append(record: Omit<CallRecord, 'seq'>): CallRecord;
  list(filter?: CallFilter): readonly CallRecord[];
  /** Number of calls, optionally with this name or service. */
  count(name?: string): number;
  clear(): void;
  onCall(listener: (record: CallRecord) => void): () => void;
}

const matches = (record: CallRecord, filter: CallFilter): boolean =>
  (filter.since === undefined || record.seq > filter.since) &&
  (filter.name === undefined || record.name === filter.name || record.service === filter.name);

/** Creates an empty log. */
export const createCallLog = (): CallLog => {
  let records: CallRecord[] = [];
  let seq = 0;
  const listeners = new Set<(record: CallRecord) => void>();
  return {
    append: (record) => {
      seq += 1;
      const full: CallRecord = { seq, ...record };
      records.push(full);
      for (const listener of listeners) listener(full);
      return full;
    },
    list: (filter = {}) => records.filter((record) => matches(record, filter)),
    count: (name) => (name === undefined ? records.length : records.filter((record) => matches(record, { name })).length),
    clear: () => {
      records = [];
    },
    onCall: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
};
