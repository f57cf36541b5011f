/**
 * HTML for mail, written with hono/html (which escapes every interpolated value), and the plain
 * look of the site's one-off messages (a sign-in link, a subscription notice).
 */
import type { html } from "hono/html";

/** What hono/html builds: markup at once, or a promise when a value in it was one. */
export type Markup = ReturnType<typeof html>;

/**
 * Mail markup as a string. Mail is built from plain values only, so its markup is never a
 * promise; should one slip in, failing beats sending "[object Promise]".
 */
export function markupText(markup: Markup): string {
  if (markup instanceof Promise) throw new TypeError("Mail markup must not hold a promise");
  return markup.toString();
}

/** The one button of a one-off message. */
export const NOTICE_BUTTON_STYLE =
  "display:inline-block;padding:10px 16px;background:#2946b8;color:#fff;border-radius:8px;text-decoration:none";
/** The colour of a one-off message's small print. */
export const NOTICE_MUTED = "#55524b";

/** A one-off message's HTML document around its body. */
export function noticeHtml(body: Markup): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1a17">
${markupText(body)}
</body></html>`;
}
