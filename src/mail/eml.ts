/** Reads what the development outbox page shows of an .eml file, with mailparser. */
import { type AddressObject, simpleParser } from "mailparser";

export interface EmlSummary {
  /** The headers the page shows, decoded (an encoded-word subject reads as its text). */
  headers: { subject?: string; to?: string; from?: string; date?: string };
  /** The plain-text part, wherever it sits in the message's parts. */
  text: string;
  /** The HTML part, or null when the message has none. */
  html: string | null;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string | undefined {
  if (!field) return undefined;
  return (Array.isArray(field) ? field : [field]).map((a) => a.text).join(", ");
}

/** The message's headers, its text part and its HTML part, decoded. */
export async function readEml(raw: Buffer | string): Promise<EmlSummary> {
  const mail = await simpleParser(raw, { skipTextToHtml: true });
  return {
    headers: {
      subject: mail.subject,
      to: addresses(mail.to),
      from: addresses(mail.from),
      // as written, not reformatted through a Date object
      date: mail.headerLines.find((h) => h.key === "date")?.line.replace(/^date:\s*/i, ""),
    },
    text: mail.text ?? "",
    html: mail.html || null,
  };
}
