/** Text for XML documents (feeds, the sitemap): one place that knows what XML 1.0 can carry. */

/** Whether XML 1.0 can carry a code point at all (most control characters and lone surrogates it cannot). */
function xmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    cp >= 0x10000
  );
}

/** Text with the characters XML 1.0 cannot carry removed (iterating by code point drops lone surrogates). */
export function xmlText(text: string): string {
  let out = "";
  for (const ch of text) if (xmlChar(ch.codePointAt(0) as number)) out += ch;
  return out;
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return xmlText(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}
