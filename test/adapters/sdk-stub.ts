/**
 * A request handler for real AWS SDK v3 clients that answers from a function instead of the
 * network: the client still serialises the request and parses the answer (errors included), so an
 * adapter is tested against the SDK it ships with.
 */
import { Readable } from 'node:stream';

export interface StubRequest {
  /** `X-Amz-Target` operation (JSON protocols) or `Action` (query protocols). */
  readonly operation: string;
  /** The JSON body, or the query protocol's form fields. */
  readonly body: Record<string, unknown>;
}

export interface StubAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export const stubHandler = (answer: (request: StubRequest) => StubAnswer | Promise<StubAnswer>) => {
  const requests: StubRequest[] = [];
  const handler = {
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
      const target = request.headers['x-amz-target'];
      let parsed: StubRequest;
      if (target !== undefined) {
        parsed = { operation: target.split('.').at(-1) ?? target, body: text === '' ? {} : JSON.parse(text) };
      } else {
        const form = Object.fromEntries(new URLSearchParams(text));
        parsed = { operation: form.Action ?? '', body: form };
      }
      requests.push(parsed);
      const reply = await answer(parsed);
      return {
        // The shape of @smithy's HttpResponse, which the SDK's deserialisers read.
        response: {
          statusCode: reply.status,
          reason: '',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'stub', ...reply.headers },
          body: Readable.from([Buffer.from(reply.body)]),
        },
      };
    },
  };
  return { handler, requests };
};

/** A JSON-protocol error answer (`__type` names the exception). */
export const jsonError = (type: string, status = 400, message = `${type} from the stub`): StubAnswer => ({
  status,
  body: JSON.stringify({ __type: type, message }),
  headers: { 'x-amzn-errortype': type },
});

export const jsonOk = (value: unknown): StubAnswer => ({ status: 200, body: JSON.stringify(value) });

/** Client settings for a stubbed client: no retries by the SDK, dummy credentials. */
export const stubClientConfig = (handler: ReturnType<typeof stubHandler>['handler']) => ({
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub' },
  requestHandler: handler,
});
