/** The admin tool form as a browser holds it: read every field of a rendered form, to post it back. */

/** Form fields by name; a field with several values (the deployment checkboxes) is a list. */
export type Fields = Record<string, string | string[]>;

/** Undoes the HTML escaping of text and attribute values. */
export function decode(html: string): string;
export function decode(html: string | undefined): string | undefined;
export function decode(html: string | undefined): string | undefined {
  return html
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every field a rendered tool form would post, as its values stand (entities decoded). */
export function formFields(html: string): Fields {
  const fields: Fields = {};
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)" type="(?:text|url|date)" value="([^"]*)"/g)) {
    fields[m[1]!] = decode(m[2]!);
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) {
    fields[m[1]!] = decode(m[2]!);
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? "";
  }
  fields.deployment = [...html.matchAll(/name="deployment" value="([^"]+)" checked/g)].map((m) => m[1]!);
  if (html.includes('name="pricing.freeTier" value="yes" checked')) fields["pricing.freeTier"] = "yes";
  const stamp = stampOf(html);
  if (stamp !== undefined) fields.tool_stamp = stamp;
  return fields;
}

/** The edit form's hidden stamp, if it has one. */
export function stampOf(html: string): string | undefined {
  return decode(/<input type="hidden" name="tool_stamp" value="([^"]*)"/.exec(html)?.[1]);
}
