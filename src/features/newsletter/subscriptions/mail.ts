/** The two messages a subscription request sends: the confirmation link, or "already subscribed". */
import { html } from "hono/html";
import { NOTICE_BUTTON_STYLE, NOTICE_MUTED, noticeHtml } from "../../../mail/html.ts";
import type { OutgoingMail } from "../../../mail/mailer.ts";

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
  const href = opts.confirmUrl;
  const body = html`<p>Hello,</p>
<p>Someone, probably you, asked for <strong>Weekly AI Tool Verdicts</strong> from Ship or Skip at this address.</p>
<p><a href="${href}" style="${NOTICE_BUTTON_STYLE}">Confirm my subscription</a></p>
<p>Or paste this address into your browser:<br>${href}</p>
<p style="color:${NOTICE_MUTED}">The link stays valid for 7 days. If this was not you, ignore this message: without the confirmation we send nothing more.</p>`;
  return {
    to: opts.to,
    subject: "Confirm your subscription to Weekly AI Tool Verdicts",
    text,
    html: noticeHtml(body),
  };
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
  const body = html`<p>Hello,</p>
<p>Someone, probably you, asked to subscribe this address to <strong>Weekly AI Tool Verdicts</strong>. It is subscribed already, so nothing has changed and you do not need to do anything.</p>
<p><a href="${opts.preferencesUrl}">Choose the categories your issue leads with</a></p>
<p style="color:${NOTICE_MUTED}"><a href="${opts.unsubscribeUrl}" style="color:${NOTICE_MUTED}">Unsubscribe</a></p>`;
  return {
    to: opts.to,
    subject: "You are already subscribed to Weekly AI Tool Verdicts",
    text,
    html: noticeHtml(body),
    headers: {
      "List-Unsubscribe": `<${opts.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
