import { ServiceError } from '../service-error.js';
import { publish } from './publish.js';
import type { QueryParams } from './query-params.js';
import type { SnsContext } from './sns-context.js';
import { createTopic, deleteTopic, listSubscriptionsByTopic, listTopics, subscribe, unsubscribe } from './topics.js';

/** The only API version of SNS. */
export const SNS_API_VERSION = '2010-03-31';

type Action = (context: SnsContext, params: QueryParams) => string | null;

const ACTIONS: Readonly<Record<string, Action>> = {
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  ListTopics: listTopics,
  Publish: publish,
  Subscribe: subscribe,
  Unsubscribe: unsubscribe,
};

/** The SNS actions the local endpoint implements. */
export const SNS_ACTIONS: readonly string[] = Object.keys(ACTIONS);

/** Runs one SNS action; returns the inner XML of `<ActionResult>`, or null for actions without one. */
export const handleSns = (context: SnsContext, action: string, params: QueryParams): string | null => {
  const version = params.get('Version');
  if (version !== undefined && version !== SNS_API_VERSION) {
    throw new ServiceError('InvalidParameterValue', `Unsupported Version '${version}'; SNS speaks ${SNS_API_VERSION}`);
  }
  const run = ACTIONS[action];
  if (run === undefined)
    throw new ServiceError('InvalidAction', `Could not find operation ${action} for version ${SNS_API_VERSION}`);
  return run(context, params);
};
