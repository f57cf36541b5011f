/** Header values node:http can write; a response holding another would fail as a raw 500. */
import { validateHeaderValue } from "node:http";

function writable(name: string, value: string): boolean {
  try {
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** The name of the first header node would refuse to write, or undefined when all are fine. */
export function unwritableHeader(headers: Headers): string | undefined {
  let bad: string | undefined;
  headers.forEach((value, name) => {
    if (!bad && !writable(name, value)) bad = name;
  });
  return bad;
}

/** The response without the headers node would refuse, so it can always be written. */
export function withoutUnwritableHeaders(response: Response): Response {
  const headers = new Headers();
  response.headers.forEach((value, name) => {
    if (writable(name, value)) headers.append(name, value);
  });
  for (const cookie of response.headers.getSetCookie())
    if (!writable("set-cookie", cookie)) headers.delete("set-cookie");
  return new Response(response.body, { status: response.status, headers });
}
