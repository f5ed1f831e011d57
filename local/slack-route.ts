import type { IncomingMessage } from 'node:http';
import { type Reply, textReply } from './http-reply.js';
import type { Route } from './request-route.js';
import { type SlackLog, validateSlackPayload } from './slack-webhook.js';

/** Answers `POST /_slack/<hook-id>` as a Slack incoming webhook does, and records the post. */
export const postSlack = (
  route: Extract<Route, { kind: 'slack' }>,
  request: IncomingMessage,
  body: Buffer,
  slack: SlackLog,
): Reply => {
  if (request.method !== 'POST') return textReply(405, 'invalid_method');
  const rawBody = body.toString('utf8');
  const verdict = validateSlackPayload(rawBody, request.headers['content-type'] ?? 'application/json');
  slack.add({
    hookId: route.hookId,
    atEpochMs: Date.now(),
    status: verdict.status,
    answer: verdict.answer,
    problems: verdict.problems,
    payload: verdict.payload,
    rawBody,
  });
  return textReply(verdict.status, verdict.answer);
};
