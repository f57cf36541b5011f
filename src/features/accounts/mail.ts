/** The sign-in email, in plain text and simple HTML. */
import { html } from "hono/html";
import { NOTICE_BUTTON_STYLE, NOTICE_MUTED, noticeHtml } from "../../mail/html.ts";
import type { OutgoingMail } from "../../mail/mailer.ts";

/** The message carrying a sign-in link. */
export function signInMail(opts: { to: string; link: string }): OutgoingMail {
  const text = [
    "Hello,",
    "",
    "Open this link to sign in to Ship or Skip:",
    "",
    opts.link,
    "",
    "It works once, for the next 15 minutes. On the page it opens, press “Sign me in”.",
    "",
    "If you did not ask to sign in, ignore this message: nothing happens without the link.",
  ].join("\n");
  const body = html`<p>Hello,</p>
<p><a href="${opts.link}" style="${NOTICE_BUTTON_STYLE}">Sign in to Ship or Skip</a></p>
<p>Or paste this address into your browser:<br>${opts.link}</p>
<p style="color:${NOTICE_MUTED}">The link works once, for the next 15 minutes. If you did not ask to sign in, ignore this message.</p>`;
  return { to: opts.to, subject: "Your sign-in link for Ship or Skip", text, html: noticeHtml(body) };
}
