import type { ServerResponse } from 'node:http';
import { queryErrorResponse } from './sns/sns-xml.js';

/** A complete HTTP answer, built before anything is written so faults can tamper with it. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The modelled error code, for the call log; null for successes. */
  readonly errorCode: string | null;
}

/** An awsJson1_1 success. */
export const jsonReply = (value: unknown, requestId: string): Reply => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
  body: Buffer.from(JSON.stringify(value), 'utf8'),
  errorCode: null,
});

/** An awsJson1_1 error: `{"__type", "message"}` plus any extra members of the error shape. */
export const jsonErrorReply = (
  code: string,
  message: string,
  status: number,
  requestId: string,
  extra: Readonly<Record<string, unknown>> = {},
): Reply => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
  body: Buffer.from(JSON.stringify({ __type: code, message, ...extra }), 'utf8'),
  errorCode: code,
});

/** A restJson1 answer (Lambda): plain JSON with the operation's HTTP status. */
export const restJsonReply = (value: unknown, status: number, requestId: string): Reply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
  body: Buffer.from(JSON.stringify(value), 'utf8'),
  errorCode: null,
});

/** A restJson1 error as Lambda sends it: `x-amzn-errortype` and `{"Type", "Message"}`. */
export const restJsonErrorReply = (code: string, message: string, status: number, requestId: string): Reply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
  body: Buffer.from(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', Message: message }), 'utf8'),
  errorCode: code,
});

/** A query-protocol (XML) success. */
export const xmlReply = (document: string, requestId: string): Reply => ({
  status: 200,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
  body: Buffer.from(document, 'utf8'),
  errorCode: null,
});

/** A query-protocol `<ErrorResponse>`. */
export const xmlErrorReply = (code: string, message: string, status: number, requestId: string): Reply => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
  body: Buffer.from(queryErrorResponse(code, message, status, requestId), 'utf8'),
  errorCode: code,
});

/** An S3-style XML error, as a pre-signed blob URL answers. */
export const s3ErrorReply = (code: string, message: string, status: number, requestId: string): Reply => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    'utf8',
  ),
  errorCode: code,
});

/** A plain-text answer (Slack webhooks answer `ok` or an error word). */
export const textReply = (status: number, text: string, headers: Readonly<Record<string, string>> = {}): Reply => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body: Buffer.from(text, 'utf8'),
  errorCode: status >= 400 ? text : null,
});

/** A JSON answer of the admin API. */
export const adminReply = (status: number, value: unknown): Reply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'),
  errorCode: null,
});

/**
 * Writes a reply with an honest `Content-Length`. With `truncateTo`, only that many body bytes are
 * sent and the connection is then destroyed, so the client sees a body shorter than announced.
 */
export const writeReply = (response: ServerResponse, reply: Reply, truncateTo: number | null = null, headOnly = false): void => {
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.byteLength) });
  if (headOnly) {
    response.end();
    return;
  }
  if (truncateTo === null) {
    response.end(reply.body);
    return;
  }
  const partial = reply.body.subarray(0, Math.min(truncateTo, Math.max(0, reply.body.byteLength - 1)));
  response.write(partial, () => {
    response.socket?.destroy();
  });
};
