/** Reads the parts of an .eml file the development outbox page shows: headers and plain text. */

export interface EmlSummary {
  headers: Record<string, string>;
  text: string;
}

/** Splits a message into unfolded headers and its body. */
function splitMessage(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, "\n");
  const end = normalized.indexOf("\n\n");
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? "" : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** Decodes quoted-printable text (RFC 2045) as UTF-8. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i] as string;
    const hex = joined.slice(i + 1, i + 3);
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function decodeBody(body: string, encoding: string | undefined): string {
  const e = (encoding ?? "7bit").toLowerCase();
  if (e === "quoted-printable") return decodeQuotedPrintable(body);
  if (e === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body;
}

/** The message's headers and its text/plain body, decoded. */
export function readEml(raw: string): EmlSummary {
  const { headers, body } = splitMessage(raw);
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith("multipart/") || !boundary) {
    return { headers, text: decodeBody(body, headers["content-transfer-encoding"]) };
  }
  for (const part of body.split(`--${boundary}`)) {
    const p = splitMessage(part.replace(/^\n/, ""));
    if ((p.headers["content-type"] ?? "").toLowerCase().startsWith("text/plain")) {
      return { headers, text: decodeBody(p.body.replace(/\n$/, ""), p.headers["content-transfer-encoding"]) };
    }
  }
  return { headers, text: "" };
}
