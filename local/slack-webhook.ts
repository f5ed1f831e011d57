import { isJsonObject } from './json-value.js';

/** One POST to the Slack incoming-webhook stand-in and what it answered. */
export interface SlackMessage {
  readonly seq: number;
  readonly hookId: string;
  readonly atEpochMs: number;
  readonly status: number;
  /** The plain-text body Slack answers: `ok`, `invalid_payload`, `no_text`, `invalid_blocks`, `rate_limited`, ... */
  readonly answer: string;
  /** Why the payload was refused (not part of Slack's answer; for people reading the log). */
  readonly problems: readonly string[];
  /** The parsed JSON payload, or null when it did not parse. */
  readonly payload: unknown;
  readonly rawBody: string;
}

/** The record of webhook posts. */
export interface SlackLog {
  add(message: Omit<SlackMessage, 'seq'>): SlackMessage;
  list(): readonly SlackMessage[];
  clear(): void;
  onMessage(listener: (message: SlackMessage) => void): () => void;
}

/** Creates an empty log. */
export const createSlackLog = (): SlackLog => {
  let messages: SlackMessage[] = [];
  let seq = 0;
  const listeners = new Set<(message: SlackMessage) => void>();
  return {
    add: (message) => {
      seq += 1;
      const full: SlackMessage = { seq, ...message };
      messages.push(full);
      for (const listener of listeners) listener(full);
      return full;
    },
    list: () => messages,
    clear: () => {
      messages = [];
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
};

/** Slack's documented Block Kit limits that a webhook enforces. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  markdownTotal: 12_000,
  blockId: 255,
} as const;

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'input',
  'rich_text',
  'markdown',
  'file',
  'video',
]);

const textObject = (value: unknown, where: string, max: number, plainOnly: boolean, problems: string[]): void => {
  if (!isJsonObject(value) || typeof value.text !== 'string' || (value.type !== 'plain_text' && value.type !== 'mrkdwn')) {
    problems.push(`${where} must be a text object {type: plain_text|mrkdwn, text}`);
    return;
  }
  if (plainOnly && value.type !== 'plain_text') problems.push(`${where} must be plain_text`);
  if (value.text.length === 0) problems.push(`${where}.text must not be empty`);
  if (value.text.length > max) problems.push(`${where}.text is ${value.text.length} characters; at most ${max}`);
};

const blockProblems = (block: unknown, index: number, problems: string[], markdownTotal: { chars: number }): void => {
  const where = `blocks[${index}]`;
  if (!isJsonObject(block) || typeof block.type !== 'string') {
    problems.push(`${where} must be an object with a type`);
    return;
  }
  if (!BLOCK_TYPES.has(block.type)) problems.push(`${where}.type '${block.type}' is not a Block Kit block`);
  if (typeof block.block_id === 'string' && block.block_id.length > SLACK_LIMITS.blockId)
    problems.push(`${where}.block_id is too long`);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) problems.push(`${where} needs text or fields`);
      if (block.text !== undefined) textObject(block.text, `${where}.text`, SLACK_LIMITS.sectionText, false, problems);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > SLACK_LIMITS.sectionFields) {
          problems.push(`${where}.fields must hold 1-${SLACK_LIMITS.sectionFields} text objects`);
        } else {
          for (const [at, field] of block.fields.entries()) {
            textObject(field, `${where}.fields[${at}]`, SLACK_LIMITS.fieldText, false, problems);
          }
        }
      }
      return;
    }
    case 'header':
      textObject(block.text, `${where}.text`, SLACK_LIMITS.headerText, true, problems);
      return;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements) {
        problems.push(`${where}.elements must hold 1-${SLACK_LIMITS.contextElements} elements`);
      }
      return;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > SLACK_LIMITS.actionsElements) {
        problems.push(`${where}.elements must hold 1-${SLACK_LIMITS.actionsElements} elements`);
      }
      return;
    case 'image':
      if (typeof block.image_url !== 'string' && !isJsonObject(block.slack_file)) problems.push(`${where} needs image_url`);
      if (typeof block.alt_text !== 'string') problems.push(`${where} needs alt_text`);
      return;
    case 'markdown':
      if (typeof block.text !== 'string') problems.push(`${where}.text must be a string`);
      else markdownTotal.chars += block.text.length;
      return;
    default:
      return;
  }
};

/**
 * Checks a webhook payload the way Slack does and returns Slack's answer: 200 `ok`; 400
 * `invalid_payload` (not JSON), `no_text` (neither text, blocks nor attachments), `invalid_blocks`.
 */
export const validateSlackPayload = (
  rawBody: string,
  contentType: string,
): { status: number; answer: string; problems: readonly string[]; payload: unknown } => {
  let text = rawBody;
  // Webhooks also take a form body whose `payload` field holds the JSON.
  if (contentType.startsWith('application/x-www-form-urlencoded')) text = new URLSearchParams(rawBody).get('payload') ?? '';
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { status: 400, answer: 'invalid_payload', problems: ['the body is not JSON'], payload: null };
  }
  if (!isJsonObject(payload))
    return { status: 400, answer: 'invalid_payload', problems: ['the payload must be a JSON object'], payload };
  const hasText = typeof payload.text === 'string' && payload.text.trim() !== '';
  const hasBlocks = Array.isArray(payload.blocks) && payload.blocks.length > 0;
  const hasAttachments = Array.isArray(payload.attachments) && payload.attachments.length > 0;
  if (payload.blocks !== undefined) {
    const problems: string[] = [];
    if (!Array.isArray(payload.blocks)) {
      problems.push('blocks must be an array');
    } else {
      if (payload.blocks.length > SLACK_LIMITS.blocks) {
        problems.push(`${payload.blocks.length} blocks; at most ${SLACK_LIMITS.blocks}`);
      }
      const markdownTotal = { chars: 0 };
      for (const [index, block] of payload.blocks.entries()) blockProblems(block, index, problems, markdownTotal);
      if (markdownTotal.chars > SLACK_LIMITS.markdownTotal) {
        problems.push(`markdown blocks hold ${markdownTotal.chars} characters; at most ${SLACK_LIMITS.markdownTotal} in total`);
      }
    }
    if (problems.length > 0) return { status: 400, answer: 'invalid_blocks', problems, payload };
  }
  if (!hasText && !hasBlocks && !hasAttachments) {
    return { status: 400, answer: 'no_text', problems: ['the payload has no text, blocks or attachments'], payload };
  }
  return { status: 200, answer: 'ok', problems: [], payload };
};
