import type { PushEvent } from '../core/push-event.js';
import type { ComposedNotification, GuardDeps } from './process-push.js';

/** Posts to Slack when a webhook is configured; never throws (Slack is a courtesy channel). */
export const postToChat = async (
  deps: GuardDeps,
  message: ComposedNotification['slack'],
  push: PushEvent,
): Promise<string | null> => {
  if (deps.chat === null) return null;
  try {
    const result = await deps.chat.post(message);
    if (!result.ok) {
      deps.metrics.count('SlackFailures');
      deps.logger.warn('slack webhook refused the message', {
        repository: push.repository,
        digest: push.digest,
        detail: result.detail,
      });
    }
    return result.detail;
  } catch (error) {
    // Slack is a courtesy channel: SNS already carried the message, so its failure never fails the check.
    deps.metrics.count('SlackFailures');
    deps.logger.warn('slack webhook failed', {
      repository: push.repository,
      digest: push.digest,
      error: (error as Error).message,
    });
    return 'failed';
  }
};
