/**
 * One notification as one subscription's endpoint would receive it. `body` is exactly that payload:
 * the email text, the JSON notification document, the raw message, the Lambda event or the SMS text.
 */
export interface Delivery {
  readonly seq: number;
  readonly messageId: string;
  readonly topicArn: string;
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly atEpochMs: number;
  /** True when RawMessageDelivery sent the message without the JSON envelope. */
  readonly raw: boolean;
  readonly body: string;
  /** The email subject line (email protocol only). */
  readonly subject?: string;
  /** HTTP headers SNS sends with http/https deliveries. */
  readonly headers?: Readonly<Record<string, string>>;
  /** SQS message attributes of a raw SQS delivery. */
  readonly messageAttributes?: Readonly<Record<string, unknown>>;
}

/** The record of every delivery, with a live hook (the CLI prints them as they happen). */
export interface DeliveryLog {
  add(delivery: Omit<Delivery, 'seq'>): Delivery;
  list(): readonly Delivery[];
  clear(): void;
  onDelivery(listener: (delivery: Delivery) => void): () => void;
}

/** Creates an empty log. */
export const createDeliveryLog = (): DeliveryLog => {
  let deliveries: Delivery[] = [];
  let seq = 0;
  const listeners = new Set<(delivery: Delivery) => void>();
  return {
    add: (delivery) => {
      seq += 1;
      const full: Delivery = { seq, ...delivery };
      deliveries.push(full);
      for (const listener of listeners) listener(full);
      return full;
    },
    list: () => deliveries,
    clear: () => {
      deliveries = [];
    },
    onDelivery: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
};
