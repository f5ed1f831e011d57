import type { ChatPoster } from '../app/ports.js';

/** Options for {@link createSlackWebhook}. */
export interface SlackWebhookOptions {
  /** Resolves the webhook URL (a secret: never logged). */
  readonly url: () => Promise<string>;
  /** Attempts in total, counting 429 and 5xx retries. */
  readonly attempts?: number;
  /** Longest `Retry-After` the guard will wait, in seconds. */
  readonly maxRetryAfterSeconds?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts Block Kit messages to a Slack incoming webhook. Honours `429 Retry-After` (Slack allows
 * about one message per second per webhook) and retries 5xx with a short backoff.
 */
export const createSlackWebhook = (options: SlackWebhookOptions): ChatPoster => ({
  post: async (message) => {
    const url = await options.url();
    const attempts = options.attempts ?? 3;
    const sleep = options.sleep ?? defaultSleep;
    let detail = 'not sent';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
      } catch (error) {
        detail = `network error: ${(error as Error).message}`;
        if (attempt < attempts) await sleep(200 * attempt);
        continue;
      }
      const body = (await response.text()).slice(0, 200);
      if (response.ok) return { ok: true, detail: body || 'ok' };
      detail = `${response.status} ${body}`;
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1;
        if (seconds > (options.maxRetryAfterSeconds ?? 10) || attempt === attempts) break;
        await sleep(seconds * 1000);
        continue;
      }
      if (response.status >= 500 && attempt < attempts) {
        await sleep(200 * attempt);
        continue;
      }
      break;
    }
    return { ok: false, detail };
  },
});
