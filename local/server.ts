import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertNever } from '../functions/core/assert-never.js';
import { type AdminTarget, handleAdmin } from './admin-api.js';
import { authProblem, authReply } from './auth-check.js';
import { serveBlob } from './blob-download.js';
import { createBlobUrlSigner } from './blob-url.js';
import { type CallLog, createCallLog } from './call-log.js';
import type { AcceptedMediaTypesMode, EcrContext } from './ecr/ecr-context.js';
import { handleEcr } from './ecr/ecr-service.js';
import { createEventBus, type EventBridgeEvent, type EventBus } from './event-bus.js';
import { faultReply } from './fault-reply.js';
import { createFaults, type FaultKind, type Faults } from './faults.js';
import {
  jsonErrorReply,
  jsonReply,
  type Reply,
  restJsonErrorReply,
  restJsonReply,
  textReply,
  writeReply,
  xmlErrorReply,
  xmlReply,
} from './http-reply.js';
import { createFunction, type FunctionStore, getFunction, listFunctions } from './lambda/lambda-functions.js';
import { type Route, routeName, routeRequest } from './request-route.js';
import { handleParameterStore } from './secrets/parameter-store.js';
import { handleSecretsManager } from './secrets/secrets-manager.js';
import { isServiceError } from './service-error.js';
import { postSlack } from './slack-route.js';
import { createSlackLog, type SlackLog } from './slack-webhook.js';
import { createDeliveryLog, type Delivery, type DeliveryLog } from './sns/delivery-log.js';
import type { SnsContext } from './sns/sns-context.js';
import { handleSns } from './sns/sns-service.js';
import { queryResponse } from './sns/sns-xml.js';
import { createLocalState, type LocalState } from './state.js';
import { createTokenBucket } from './token-bucket.js';

/** Options of {@link startLocalEndpoint}; every one has a default. */
export interface LocalEndpointOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `123456789012`; also the ECR registry id. */
  readonly account?: string;
  /** Persist state to this directory (`state.json` + blob files) and reload it on start. */
  readonly stateDir?: string;
  /** Make PutImage refuse manifests whose config/layer blobs were never uploaded (`LayersNotFoundException`). */
  readonly requireLayers?: boolean;
  /** Throttle PutImage like ECR's quota: `true` = 10 TPS, a number = that many TPS. Off by default. */
  readonly putImageRateLimit?: boolean | number;
  /** How BatchGetImage treats media types outside `acceptedMediaTypes` (default `strict`: a failure). */
  readonly acceptedMediaTypes?: AcceptedMediaTypesMode;
  /** Lifetime of blob download URLs, in seconds (default 600). */
  readonly blobUrlTtlSeconds?: number;
  /** Confirm email/http/https subscriptions at once (default true); false leaves them pending. */
  readonly autoConfirmSubscriptions?: boolean;
  /** The bus `ECR Image Action` events go to; a new one by default. */
  readonly eventBus?: EventBus;
  /** Largest request body accepted (default 32 MiB). */
  readonly maxBodyBytes?: number;
}

/** A running local endpoint. */
export interface LocalEndpoint {
  /** `http://127.0.0.1:<port>`: the endpoint URL for SDK clients and `aws --endpoint-url`. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly account: string;
  readonly state: LocalState;
  readonly faults: Faults;
  readonly calls: CallLog;
  /** Where PutImage's `ECR Image Action` events go. */
  readonly bus: EventBus;
  /** SNS deliveries, one per subscription and message. */
  readonly deliveries: DeliveryLog;
  /** Posts to the Slack webhook stand-in (`POST <url>/_slack/<hook-id>`). */
  readonly slack: SlackLog;
  /** Subscribes to SNS deliveries as they happen; returns the unsubscribe function. */
  onDelivery(listener: (delivery: Delivery) => void): () => void;
  /** A Slack incoming-webhook URL served by this endpoint. */
  slackWebhookUrl(hookId?: string): string;
  /** Resolves once every event emitted so far is on the bus and its targets have been called. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    // A client that goes away mid-body emits neither 'end' nor always 'error'.
    request.on('close', () => {
      if (!request.complete) reject(new Error('the client closed the connection before sending the whole body'));
    });
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const parseJsonBody = (body: Buffer): { ok: true; value: unknown } | { ok: false } => {
  if (body.byteLength === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
};

/** Starts the endpoint on 127.0.0.1 and resolves once it listens. */
export const startLocalEndpoint = async (options: LocalEndpointOptions = {}): Promise<LocalEndpoint> => {
  const account = options.account ?? DEFAULT_ACCOUNT;
  const region = options.region ?? DEFAULT_REGION;
  const state = createLocalState({ account, region, ...(options.stateDir === undefined ? {} : { dir: options.stateDir }) });
  const faults = createFaults();
  const calls = createCallLog();
  const deliveries = createDeliveryLog();
  const slack = createSlackLog();
  const bus = options.eventBus ?? createEventBus();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let baseUrl = '';
  const signer = createBlobUrlSigner(() => baseUrl, randomBytes(32).toString('hex'), options.blobUrlTtlSeconds ?? 600);
  const rate =
    options.putImageRateLimit === true ? 10 : typeof options.putImageRateLimit === 'number' ? options.putImageRateLimit : 0;
  const putImageLimiter = rate > 0 ? createTokenBucket(rate) : null;
  const signingKey = randomBytes(32).toString('hex');
  /** Lambda functions (memory only: `--state` persists ECR, SNS and secrets, not functions). */
  const functions: FunctionStore = new Map();

  let pendingEmits = 0;
  let emitWaiters: (() => void)[] = [];
  /** Puts a request's events on the bus after its answer went out, in push order. */
  const emitLater = (events: readonly EventBridgeEvent[]): void => {
    if (events.length === 0) return;
    pendingEmits += 1;
    setImmediate(() => {
      for (const event of events) bus.put(event);
      pendingEmits -= 1;
      if (pendingEmits === 0) {
        const waiters = emitWaiters;
        emitWaiters = [];
        for (const waiter of waiters) waiter();
      }
    });
  };

  const ecrContext = (emitted: EventBridgeEvent[]): EcrContext => ({
    state,
    requireLayers: options.requireLayers ?? false,
    acceptedMediaTypes: options.acceptedMediaTypes ?? 'strict',
    putImageLimiter,
    emit: (event) => {
      emitted.push(event);
    },
    downloadUrl: (repository, digest) => signer.sign(repository, digest),
    now: () => Date.now(),
  });

  const snsContext = (): SnsContext => ({
    state,
    deliveries,
    baseUrl,
    autoConfirmSubscriptions: options.autoConfirmSubscriptions ?? true,
    signingKey,
    now: () => Date.now(),
  });

  const adminTarget = (): AdminTarget => ({ url: baseUrl, state, calls, faults, deliveries, slack, bus });

  const dispatch = (
    route: Route,
    request: IncomingMessage,
    url: URL,
    body: Buffer,
    requestId: string,
    emitted: EventBridgeEvent[],
  ): Reply => {
    switch (route.kind) {
      case 'json': {
        const parsed = parseJsonBody(body);
        if (!parsed.ok) return jsonErrorReply('SerializationException', 'The request body is not valid JSON.', 400, requestId);
        try {
          const now = Date.now();
          const result =
            route.service === 'ecr'
              ? handleEcr(ecrContext(emitted), route.operation, parsed.value)
              : route.service === 'secretsmanager'
                ? handleSecretsManager(state, route.operation, parsed.value, now)
                : handleParameterStore(state, route.operation, parsed.value, now);
          return jsonReply(result, requestId);
        } catch (error) {
          if (isServiceError(error)) return jsonErrorReply(error.code, error.message, error.status, requestId, error.extra);
          const code = route.service === 'ecr' ? 'ServerException' : 'InternalServiceError';
          return jsonErrorReply(code, `Local endpoint bug: ${String(error)}`, 500, requestId);
        }
      }
      case 'rest': {
        try {
          const operation = route.operation;
          switch (operation) {
            case 'CreateFunction': {
              const parsed = parseJsonBody(body);
              if (!parsed.ok)
                return restJsonErrorReply(
                  'InvalidRequestContentException',
                  'Could not parse request body into json',
                  400,
                  requestId,
                );
              return restJsonReply(createFunction(state, functions, parsed.value, Date.now()), 201, requestId);
            }
            case 'ListFunctions':
              return restJsonReply(listFunctions(functions, url.searchParams), 200, requestId);
            case 'GetFunction':
              return restJsonReply(getFunction(state, functions, route.functionName ?? ''), 200, requestId);
            default:
              return assertNever(operation, 'Lambda operation');
          }
        } catch (error) {
          if (isServiceError(error)) return restJsonErrorReply(error.code, error.message, error.status, requestId);
          return restJsonErrorReply('ServiceException', `Local endpoint bug: ${String(error)}`, 500, requestId);
        }
      }
      case 'query':
        try {
          return xmlReply(
            queryResponse(route.operation, handleSns(snsContext(), route.operation, route.params), requestId),
            requestId,
          );
        } catch (error) {
          if (isServiceError(error)) return xmlErrorReply(error.code, error.message, error.status, requestId);
          return xmlErrorReply('InternalError', `Local endpoint bug: ${String(error)}`, 500, requestId);
        }
      case 'blob':
        return serveBlob(route, request, url, requestId, signer, state);
      case 'slack':
        return postSlack(route, request, body, slack);
      case 'certificate':
        return textReply(
          200,
          '-----BEGIN CERTIFICATE-----\nlocal endpoint: notifications are HMAC-signed, not RSA\n-----END CERTIFICATE-----\n',
        );
      case 'admin':
        return handleAdmin(adminTarget(), request.method ?? 'GET', route.path, url, body);
      case 'unknown':
        return request.headers['x-amz-target'] === undefined
          ? textReply(404, `not found: ${route.reason}`)
          : jsonErrorReply('UnknownOperationException', route.reason, 400, requestId);
      default:
        return assertNever(route, 'route');
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    const startedAtEpochMs = Date.now();
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', baseUrl);
    let body: Buffer;
    try {
      body = await readBody(request, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLargeError && !response.headersSent) writeReply(response, textReply(413, error.message));
      return;
    }
    const route = routeRequest(request, url, body);
    if (route.kind === 'admin') {
      writeReply(response, dispatch(route, request, url, body, requestId, []));
      return;
    }
    const { service, operation } = routeName(route);
    const sdkRequest =
      typeof request.headers['amz-sdk-request'] === 'string' ? /attempt=(\d+)/.exec(request.headers['amz-sdk-request']) : null;
    const invocation = request.headers['amz-sdk-invocation-id'];
    const finish = (status: number | null, errorCode: string | null, fault: FaultKind | null): void => {
      const endedAt = performance.now();
      calls.append({
        requestId,
        service,
        operation,
        name: `${service}:${operation}`,
        method: request.method ?? 'GET',
        path: url.pathname,
        startedAt,
        endedAt,
        startedAtEpochMs,
        endedAtEpochMs: Date.now(),
        durationMs: endedAt - startedAt,
        status,
        errorCode,
        fault,
        attempt: sdkRequest?.[1] === undefined ? null : Number(sdkRequest[1]),
        invocationId: typeof invocation === 'string' ? invocation : null,
      });
    };
    if (route.kind === 'json' || route.kind === 'query' || route.kind === 'rest') {
      const problem = authProblem(request, url);
      if (problem !== null) {
        const reply = authReply(route, problem, requestId);
        writeReply(response, reply);
        finish(reply.status, reply.errorCode, null);
        return;
      }
    }
    const decision = faults.decide(`${service}:${operation}`);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const failure = decision.failure;
    const applied: FaultKind | null = failure?.kind ?? (decision.latencyMs > 0 ? 'latency' : null);
    if (failure?.kind === 'reset') {
      request.socket.destroy();
      finish(null, null, 'reset');
      return;
    }
    if (failure?.kind === 'timeout') {
      // Hold the request open until the client gives up (or the endpoint closes).
      await new Promise<void>((resolve) => {
        if (request.socket.destroyed) resolve();
        else request.socket.once('close', () => resolve());
      });
      finish(null, null, 'timeout');
      return;
    }
    if (failure?.kind === 'throttle' || failure?.kind === 'error' || failure?.kind === 'denied' || failure?.kind === 'kms') {
      const reply = faultReply(route, failure, requestId);
      writeReply(response, reply);
      finish(reply.status, reply.errorCode, failure.kind);
      return;
    }
    const emitted: EventBridgeEvent[] = [];
    const reply = dispatch(route, request, url, body, requestId, emitted);
    state.flush();
    const truncateTo = failure?.kind === 'truncate' ? (failure.truncateToBytes ?? Math.floor(reply.body.byteLength / 2)) : null;
    writeReply(response, reply, truncateTo, request.method === 'HEAD');
    emitLater(emitted);
    finish(reply.status, reply.errorCode, applied);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) writeReply(response, textReply(500, `local endpoint bug: ${String(error)}`));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const idle = async (): Promise<void> => {
    while (pendingEmits > 0) await new Promise<void>((resolve) => emitWaiters.push(resolve));
    await bus.idle();
  };

  return {
    url: baseUrl,
    port,
    region,
    account,
    state,
    faults,
    calls,
    bus,
    deliveries,
    slack,
    onDelivery: (listener) => deliveries.onDelivery(listener),
    slackWebhookUrl: (hookId = 'T00000000/B00000000/local') => `${baseUrl}/_slack/${hookId}`,
    idle,
    close: async () => {
      await idle();
      state.flush();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
};
