import { type ReasonCode, ruleFor } from './lambda-rules.js';
import type { Reason } from './verdict.js';

/** Builds a reason from its rule row, so severity and status can never drift from the table. */
export const reason = (code: ReasonCode, message: string, details: Record<string, unknown> = {}): Reason => {
  const row = ruleFor(code);
  return { code, severity: row.severity, message, details, status: row.status };
};
