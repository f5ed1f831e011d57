import { reasonCodesMarkdown } from './reason-codes.js';

/** Every generated reference page, by its path from the repository root. */
export const REFERENCE_DOCS: Readonly<Record<string, () => string>> = {
  'docs/reason-codes.md': reasonCodesMarkdown,
};
