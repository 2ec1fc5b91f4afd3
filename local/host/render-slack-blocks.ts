/**
 * Slack Block Kit blocks as terminal lines: what a person would read in Slack (header, fields,
 * sections, context), with mrkdwn links shown as their text and formatting marks dropped. The
 * local host prints these so `converge dev` tells the same story a Slack channel would.
 *
 * @example
 * renderSlackBlocks([{ type: 'header', text: { type: 'plain_text', text: 'Deploy: app' } }]); // ['Deploy: app']
 */
export function renderSlackBlocks(blocks: unknown): string[] {
  const parsed = typeof blocks === 'string' ? safeJson(blocks) : blocks;
  if (!Array.isArray(parsed)) return [];
  const lines: string[] = [];
  for (const block of parsed as Record<string, unknown>[]) {
    switch (block?.type) {
      case 'header':
      case 'section': {
        const text = textOf(block.text);
        if (text) lines.push(...text.split('\n'));
        const fields = Array.isArray(block.fields) ? block.fields.map(textOf).filter(Boolean) : [];
        // Fields are "*Name*\nvalue": one "name: value" line each, side by side.
        if (fields.length > 0) lines.push(fields.map((field) => field.replace('\n', ': ')).join('   '));
        break;
      }
      case 'context': {
        const elements = Array.isArray(block.elements) ? block.elements.map(textOf).filter(Boolean) : [];
        if (elements.length > 0) lines.push(elements.join(' '));
        break;
      }
      default:
        break;
    }
  }
  return lines.filter((line) => line.trim() !== '');
}

function textOf(value: unknown): string {
  const text = (value as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return '';
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/(^|[\s(])[*_~]+(?=\S)|(?<=\S)[*_~]+(?=$|[\s).,:;])/gm, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
