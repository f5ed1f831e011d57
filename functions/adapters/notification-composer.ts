import type { Composer } from '../app/process-push.js';
import { explain } from '../report/explain.js';
import type { GuardFailure } from '../report/guard-failure.js';
import { renderIntegritySlack } from '../report/integrity-alert.js';
import { renderSlack, renderSlackFailure } from '../report/render-slack.js';
import { buildFailureNotification, buildIntegrityNotification, buildVerdictNotification } from '../report/sns-message.js';

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
  integrity: (alert) => ({ sns: buildIntegrityNotification(alert), slack: renderIntegritySlack(alert) }),
});
