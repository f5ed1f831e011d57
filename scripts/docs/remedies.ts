import { LAMBDA_RULES, type LambdaRule, REASON_CODES, type RemedyTopic } from '../../functions/core/lambda-rules.js';
import type { Fix } from '../../functions/report/explanation.js';
import { FACTS, type FactStatus } from '../../functions/report/facts.js';
import { remediesFor } from '../../functions/report/remedies.js';

/** Every fix catalogue, in the order the page lists them, with the problem it answers. */
const TOPICS: Readonly<Record<RemedyTopic, string>> = {
  'attestation-index': 'the tag names an index holding an image and its attestations',
  'multi-platform-index': 'the tag names an index of images for several platforms',
  'single-platform-index': 'the tag names an index holding a single image',
  'architecture-mismatch': "the image's architecture is not the function's",
  'index-platform-mismatch': "the index entry's platform disagrees with the image config",
  schema1: 'a Docker schema 1 manifest',
  'layer-compression': 'zstd or uncompressed layers',
  'nondistributable-layer': 'non-distributable layers',
  'encrypted-layer': 'encrypted layers',
  'foreign-layer': 'foreign (Windows) layers',
  'not-linux': 'an image for another operating system',
  'unsupported-architecture': 'an architecture Lambda does not run',
  'image-too-large': 'an image too large for Lambda',
  'unsupported-media-type': 'unusual config or layer media types',
  'large-manifest': 'a manifest larger than Lambda advises',
  'unreadable-manifest': 'a manifest that does not parse or match its digest',
  'unreadable-config': 'an image config that is not JSON or lacks its os or architecture',
};

const STATUS_WORDS: Readonly<Record<FactStatus, string>> = {
  confirmed: 'confirmed',
  practice: 'practice (user reports)',
};

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The codes whose row names the topic; IMAGE_INDEX picks its topic from the index's shape. */
const codesFor = (topic: RemedyTopic): string[] =>
  REASON_CODES.filter((code) => {
    const remedy = (LAMBDA_RULES[code] as LambdaRule).remedy;
    return typeof remedy === 'function' ? topic.endsWith('-index') : remedy === topic;
  }).map((code) => `[\`${code}\`](reason-codes.md#${code.toLowerCase()})`);

const fixLines = (fix: Fix, position: number): string[] => [
  `**${position + 1}. ${fix.title}** (\`${fix.tool}\`)`,
  '',
  ...fix.steps.map((step) => `- ${step}`),
  ...(fix.caveat === undefined ? [] : [`- Caveat: ${fix.caveat}`]),
  ...(fix.snippet === undefined ? [] : ['', `\`\`\`${fix.snippet.language}`, fix.snippet.code, '```']),
  '',
];

/** `docs/remedies.md`, generated from the remedy catalogue and the facts table (`npm run docs`; a test fails when it drifts). */
export const remediesMarkdown = (): string => {
  const context = {
    repositoryUri: null,
    tag: null,
    architecture: null,
    imageArchitecture: null,
    childDigest: 'sha256:<child>',
    matched: [],
  } as const;
  return [
    '<!-- Generated from functions/report/remedies.ts and functions/report/facts.ts by `npm run docs`; edit those, not this file. -->',
    '# Remedies',
    '',
    'Every fix the guard suggests, per problem, as a notification shows it when it knows nothing about',
    'the image (placeholders instead of the repository, tag and platform; the tool that built the image',
    'is listed first in a real notification). Versions, dates and defaults in this prose come from one',
    'table of [facts](#facts), each with its primary source.',
    '',
    ...(Object.keys(TOPICS) as RemedyTopic[]).flatMap((topic) => [
      `## \`${topic}\``,
      '',
      `Problem: ${TOPICS[topic]}. Reason codes: ${codesFor(topic).join(', ') || 'none'}.`,
      '',
      ...remediesFor(topic, context).flatMap(fixLines),
    ]),
    '## Facts',
    '',
    'One row per fact (`functions/report/facts.ts`). **confirmed**: the source says so; **practice**:',
    'known from user reports only.',
    '',
    '| Fact | Value | Statement | Status | Source |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(FACTS).map(
      ([id, fact]) =>
        `| \`${id}\` | ${cell(fact.value)} | ${cell(fact.statement)} | ${STATUS_WORDS[fact.status]} | [${cell(fact.source.title)}](${fact.source.url}) |`,
    ),
    '',
  ].join('\n');
};
