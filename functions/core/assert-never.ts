/** Exhaustiveness check for `switch` statements over unions: fails to compile when a case is missing. */
export const assertNever = (value: never, what = 'value'): never => {
  throw new Error(`unexpected ${what}: ${String(value)}`);
};
