/** The sign-in email, in plain text and simple HTML. */
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
  const href = opts.link.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1a17">
<p>Hello,</p>
<p><a href="${href}" style="display:inline-block;padding:10px 16px;background:#2946b8;color:#fff;border-radius:8px;text-decoration:none">Sign in to Ship or Skip</a></p>
<p>Or paste this address into your browser:<br>${href}</p>
<p style="color:#55524b">The link works once, for the next 15 minutes. If you did not ask to sign in, ignore this message.</p>
</body></html>`;
  return { to: opts.to, subject: "Your sign-in link for Ship or Skip", text, html };
}
