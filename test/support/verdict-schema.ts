import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { VERDICT_JSON_SCHEMA } from '../../functions/report/verdict-json-schema.js';

// ajv-formats is CommonJS whose module.exports is the plugin; NodeNext types see the namespace.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;

/** A real JSON Schema 2020-12 validator, strict about the schema itself, as a consumer would use it. */
const validateVerdict = addFormats(new Ajv2020({ strict: true, allErrors: true })).compile(VERDICT_JSON_SCHEMA);

/** Where a value breaks the published verdict schema, as `path keyword message`; empty when it conforms. */
export const verdictSchemaViolations = (value: unknown): string[] =>
  validateVerdict(value)
    ? []
    : (validateVerdict.errors ?? []).map((error) =>
        `${error.instancePath || '/'} ${error.keyword} ${error.message ?? ''}`.trim(),
      );
