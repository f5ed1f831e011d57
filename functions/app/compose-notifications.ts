import { explain } from '../core/explain.js';
import type { GuardFailure } from '../core/guard-failure.js';
import { renderSlack, renderSlackFailure } from '../core/render-slack.js';
import { buildFailureNotification, buildVerdictNotification } from '../core/sns-message.js';
import type { Composer } from './process-push.js';

/** The renderers behind the {@link Composer} port: SNS (every protocol) and Slack Block Kit. */
export const createComposer = (): Composer => ({
  verdict: ({ verdict, context, push }) => {
    // One explanation per notification, shared by every channel.
    const explanation = explain(verdict, context);
    return { sns: buildVerdictNotification({ verdict, context, event: push, explanation }), slack: renderSlack(explanation) };
  },
  failure: ({ push, code, message }) => {
    const failure: GuardFailure = { code, message, event: push };
    return { sns: buildFailureNotification(failure), slack: renderSlackFailure(failure) };
  },
});
