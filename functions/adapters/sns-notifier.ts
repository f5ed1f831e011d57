import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, PublishRequest } from '../app/ports.js';
import { toGuardError } from './aws-error.js';

/** The SNS adapter of the {@link Notifier} port: one Publish per notification, to one topic. */
export const createSnsNotifier = (client: SNSClient, topicArn: string): Notifier => ({
  publish: async (request: PublishRequest) => {
    try {
      const output = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: request.Subject,
          Message: request.Message,
          MessageStructure: request.MessageStructure,
          MessageAttributes: Object.fromEntries(
            Object.entries(request.MessageAttributes).map(([name, value]) => [
              name,
              { DataType: value.DataType, StringValue: value.StringValue },
            ]),
          ),
        }),
      );
      return { messageId: output.MessageId ?? '' };
    } catch (error) {
      throw toGuardError(error, 'SNS Publish');
    }
  },
});
