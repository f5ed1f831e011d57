/**
 * What Slack displays for mrkdwn text: `<url|label>` links as their label and the three escaped
 * characters as themselves. https://api.slack.com/reference/surfaces/formatting#escaping
 * (`&` `<` `>` are sent as `&amp;` `&lt;` `&gt;`); plain_text is shown as sent.
 */
export const displayedMrkdwn = (text: string): string =>
  text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, '$2')
    .replace(/<([^<>|]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A plain-text preview of a Block Kit message as Slack displays it, for terminals (the demo and `local serve`). */
export const slackPreview = (payload: unknown): string => {
  const message = (typeof payload === 'object' && payload !== null ? payload : {}) as { text?: unknown; blocks?: unknown };
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Record<string, unknown>[]) : [];
  if (blocks.length === 0) return typeof message.text === 'string' ? displayedMrkdwn(message.text) : '';
  const textOf = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return '';
    const { type, text } = value as { type?: unknown; text?: unknown };
    if (typeof text !== 'string') return '';
    return type === 'plain_text' ? text : displayedMrkdwn(text);
  };
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
        lines.push(`# ${textOf(block.text)}`);
        break;
      case 'section':
        if (block.text !== undefined) lines.push(textOf(block.text));
        if (Array.isArray(block.fields)) lines.push((block.fields as unknown[]).map(textOf).join('   '));
        break;
      case 'context':
        if (Array.isArray(block.elements)) lines.push((block.elements as unknown[]).map(textOf).join('  ·  '));
        break;
      case 'divider':
        lines.push('───');
        break;
      default:
        lines.push(`[${String(block.type)} block]`);
    }
  }
  return lines.join('\n');
};
