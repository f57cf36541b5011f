/**
 * HTML for mail: escaping, a tagged template that escapes every value it is given, and the
 * plain look of the site's one-off messages (a sign-in link, a subscription notice).
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Markup already escaped; `html` passes it through unchanged. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function renderValue(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(renderValue).join("");
  return escapeHtml(String(v));
}

/** A tagged template that escapes every interpolated value, so catalog text can never become markup. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += renderValue(values[i] as HtmlValue) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** The one button of a one-off message. */
export const NOTICE_BUTTON_STYLE =
  "display:inline-block;padding:10px 16px;background:#2946b8;color:#fff;border-radius:8px;text-decoration:none";
/** The colour of a one-off message's small print. */
export const NOTICE_MUTED = "#55524b";

/** A one-off message's HTML document around its body. */
export function noticeHtml(body: SafeHtml): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1a17">
${body}
</body></html>`;
}
