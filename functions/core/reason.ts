import { type RemedyTopic, type RuleStatus, ruleFor, type Severity } from './lambda-rules.js';
import type { ReasonCode, ReasonDetails } from './reason-details.js';

/** One finding: a stable code, how bad it is, a sentence, and details typed by the code. */
export type Reason = {
  readonly [C in ReasonCode]: {
    readonly code: C;
    readonly severity: Severity;
    /** The rule row's message for these details. */
    readonly message: string;
    readonly details: ReasonDetails[C];
    /** How firmly the rule behind the code is established (from the rule row). */
    readonly status: RuleStatus;
  };
}[ReasonCode];

/** A reason of one code. */
export type ReasonOf<C extends ReasonCode> = Extract<Reason, { readonly code: C }>;

/** Builds a reason from its rule row, so severity, status and message can never drift from the table. */
export const reason = <C extends ReasonCode>(code: C, details: ReasonDetails[C]): ReasonOf<C> => {
  const row = ruleFor(code);
  return { code, severity: row.severity, message: row.message(details), details, status: row.status } as unknown as ReasonOf<C>;
};

/** The fix catalogue that answers a reason, from its rule row; `null` when nothing in the build needs fixing. */
export const remedyTopicFor = (found: Reason): RemedyTopic | null => {
  // The union of reasons correlates code and details; TypeScript cannot follow that through a generic call.
  const remedy = ruleFor(found.code).remedy as RemedyTopic | ((details: Reason['details']) => RemedyTopic) | null;
  return typeof remedy === 'function' ? remedy(found.details) : remedy;
};
