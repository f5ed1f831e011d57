/** A plain-text preview of a Block Kit message, for terminals (the demo and `local serve`). */
export const slackPreview = (payload: unknown): string => {
  const message = (typeof payload === 'object' && payload !== null ? payload : {}) as { text?: unknown; blocks?: unknown };
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Record<string, unknown>[]) : [];
  if (blocks.length === 0) return typeof message.text === 'string' ? message.text : '';
  const textOf = (value: unknown): string =>
    typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string'
      ? (value as { text: string }).text
      : '';
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
