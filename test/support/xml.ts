/**
 * A strict XML reader for tests: any well-formedness error (an unescaped "&", a tag left open,
 * a character XML cannot carry) throws. It uses sax (a dev dependency), the parser feedparser
 * reads feeds with.
 */
import { createRequire } from "node:module";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, concatenated (entities decoded). */
  text: string;
}

interface SaxParser {
  onerror: (err: Error) => void;
  onopentag: (node: { name: string; attributes: Record<string, string> }) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  write(xml: string): SaxParser;
  close(): void;
}

const sax = createRequire(import.meta.url)("sax") as {
  parser(strict: boolean, opts?: { xmlns?: boolean }): SaxParser;
};

/** Parses a whole document strictly and returns its root element. */
export function parseXml(xml: string): XmlElement {
  const parser = sax.parser(true);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.onerror = (err) => {
    failure ??= err;
  };
  parser.onopentag = (node) => {
    const el: XmlElement = { name: node.name, attributes: { ...node.attributes }, children: [], text: "" };
    stack.at(-1)?.children.push(el);
    root ??= el;
    stack.push(el);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  parser.oncdata = parser.ontext;
  parser.write(xml).close();
  if (failure) throw failure;
  if (!root) throw new Error("no root element");
  return root;
}

/** The child elements with a name, anywhere below an element. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
}
