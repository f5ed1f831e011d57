/** One SNS message attribute. */
export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array';
  readonly StringValue: string;
}

/**
 * One notification as an SNS Publish takes it, minus the topic: the report layer builds it, the
 * notifier port sends it. `MessageStructure: json` carries one message per protocol.
 */
export interface PublishRequest {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<Record<string, MessageAttribute>>;
}
