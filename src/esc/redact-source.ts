// Environment text as messages and `env get` may show it: the plaintext of every
// `fn::secret: <string>` replaced by "[secret]". Lines are kept (a multi-line secret leaves its line
// breaks), so that diagnostics still point at the right line.

import { decodeYaml, type SyntaxNode } from './syntax.js';

/** Replaces the plaintext of every `fn::secret: <string>` in a definition with "[secret]", keeping the line count. */
export function redactDefinition(text: string): string {
  const doc = decodeYaml(text, '<redact>').node;
  const spans: [number, number][] = [];
  const walk = (n: SyntaxNode | undefined): void => {
    if (n?.kind === 'array') n.elements.forEach(walk);
    if (n?.kind !== 'object') return;
    for (const { key, value } of n.entries) {
      if (key.value === 'fn::secret' && value.kind === 'string') spans.push([value.range.start.offset, value.range.end.offset]);
      else walk(value);
    }
  };
  walk(doc);
  let out = text;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) {
    const breaks = (out.slice(start, end).match(/\n/g) ?? []).length;
    out = out.slice(0, start) + '"[secret]"' + '\n'.repeat(breaks) + out.slice(end);
  }
  return out;
}
