import { VERDICT_JSON_SCHEMA } from '../../functions/report/verdict-json-schema.js';
import { configurationMarkdown } from './configuration.js';
import { performanceMarkdown } from './performance.js';
import { reasonCodesMarkdown } from './reason-codes.js';
import { remediesMarkdown } from './remedies.js';

/** Every generated reference page, by its path from the repository root. */
export const REFERENCE_DOCS: Readonly<Record<string, () => string>> = {
  'docs/configuration.md': configurationMarkdown,
  'docs/performance.md': () => performanceMarkdown(),
  'docs/reason-codes.md': reasonCodesMarkdown,
  'docs/remedies.md': remediesMarkdown,
  'docs/verdict-v1.schema.json': () => `${JSON.stringify(VERDICT_JSON_SCHEMA, null, 2)}\n`,
};
