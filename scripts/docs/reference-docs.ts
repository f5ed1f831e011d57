import { performanceMarkdown } from './performance.js';
import { reasonCodesMarkdown } from './reason-codes.js';

/** Every generated reference page, by its path from the repository root. */
export const REFERENCE_DOCS: Readonly<Record<string, () => string>> = {
  'docs/performance.md': () => performanceMarkdown(),
  'docs/reason-codes.md': reasonCodesMarkdown,
};
