/** The two messages a subscription request sends: the confirmation link, or "already subscribed". */
import type { OutgoingMail } from "../../mail/mailer.ts";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const BUTTON =
  "display:inline-block;padding:10px 16px;background:#2946b8;color:#fff;border-radius:8px;text-decoration:none";

function page(body: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1a17">
${body}
</body></html>`;
}

/** The double opt-in message: nothing is sent to the address until its owner presses the button behind this link. */
export function confirmationMail(opts: { to: string; confirmUrl: string }): OutgoingMail {
  const text = [
    "Hello,",
    "",
    "Someone, probably you, asked for Weekly AI Tool Verdicts from Ship or Skip at this address.",
    "To start receiving it, open this link and press “Confirm my subscription”:",
    "",
    opts.confirmUrl,
    "",
    "The link stays valid for 7 days.",
    "",
    "If this was not you, ignore this message: without the confirmation we send nothing more,",
    "and the request is forgotten after 7 days.",
  ].join("\n");
  const href = escapeHtml(opts.confirmUrl);
  const html = page(`<p>Hello,</p>
<p>Someone, probably you, asked for <strong>Weekly AI Tool Verdicts</strong> from Ship or Skip at this address.</p>
<p><a href="${href}" style="${BUTTON}">Confirm my subscription</a></p>
<p>Or paste this address into your browser:<br>${href}</p>
<p style="color:#55524b">The link stays valid for 7 days. If this was not you, ignore this message: without the confirmation we send nothing more.</p>`);
  return { to: opts.to, subject: "Confirm your subscription to Weekly AI Tool Verdicts", text, html };
}

/**
 * Sent instead of a confirmation when the address is subscribed already, so its owner learns
 * someone asked, while the person who asked sees the same page either way.
 */
export function alreadySubscribedMail(opts: {
  to: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}): OutgoingMail {
  const text = [
    "Hello,",
    "",
    "Someone, probably you, asked to subscribe this address to Weekly AI Tool Verdicts.",
    "It is subscribed already, so nothing has changed and you do not need to do anything.",
    "",
    "Choose the categories your issue leads with:",
    opts.preferencesUrl,
    "",
    "Stop receiving the newsletter:",
    opts.unsubscribeUrl,
  ].join("\n");
  const prefs = escapeHtml(opts.preferencesUrl);
  const unsub = escapeHtml(opts.unsubscribeUrl);
  const html = page(`<p>Hello,</p>
<p>Someone, probably you, asked to subscribe this address to <strong>Weekly AI Tool Verdicts</strong>. It is subscribed already, so nothing has changed and you do not need to do anything.</p>
<p><a href="${prefs}">Choose the categories your issue leads with</a></p>
<p style="color:#55524b"><a href="${unsub}" style="color:#55524b">Unsubscribe</a></p>`);
  return {
    to: opts.to,
    subject: "You are already subscribed to Weekly AI Tool Verdicts",
    text,
    html,
    headers: {
      "List-Unsubscribe": `<${opts.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
