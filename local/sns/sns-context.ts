import type { LocalState } from '../state.js';
import type { DeliveryLog } from './delivery-log.js';

/** What the SNS actions need from the endpoint. */
export interface SnsContext {
  readonly state: LocalState;
  readonly deliveries: DeliveryLog;
  /** The endpoint's base URL (for SigningCertURL and UnsubscribeURL). */
  readonly baseUrl: string;
  /** Confirm email/http/https subscriptions at once (real SNS waits for the endpoint owner). */
  readonly autoConfirmSubscriptions: boolean;
  /** Key for the local (non-RSA) notification signatures. */
  readonly signingKey: string;
  readonly now: () => number;
}

/** `InvalidParameter`, the SNS query code for bad input. */
export const INVALID_PARAMETER = 'InvalidParameter';
/** `ParameterValueInvalid` (InvalidParameterValueException), used for message attribute problems. */
export const INVALID_PARAMETER_VALUE = 'ParameterValueInvalid';
