import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { csrfProtection } from "./csrf.ts";
import { HttpError } from "./errors.ts";

const SITE = "https://shiporskip.example";
const TOKEN = "the-csrf-token-of-this-session";
const FROM_ANOTHER_SITE = "The request came from another site. Use the forms on this site instead.";
const EXPIRED = "This form has expired or was opened in another session. Reload the page and try again.";

const signedOut = { user: null, csrfToken: "" };
const signedIn = {
  user: { id: 7, email: "reader@example.com", role: "reader" as const, sessionId: 3 },
  csrfToken: TOKEN,
};

/** Just the middleware, behind a stand-in for the viewer middleware, in front of a route echoing its form. */
function appFor(viewer: typeof signedOut | typeof signedIn, origins: readonly string[] = [SITE]) {
  const app = new Hono();
  app.use(async (c, next) => {
    c.set("viewer", viewer);
    await next();
  });
  app.use(csrfProtection(origins));
  app.all("/vote", async (c) => {
    const form = (c.req.header("content-type") ?? "").includes("form") ? await c.req.parseBody() : {};
    return c.json({ reached: true, form });
  });
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ status: err.status, detail: err.detail }, err.status);
    throw err;
  });
  return app;
}

function send(
  viewer: typeof signedOut | typeof signedIn,
  init: RequestInit & { url?: string; headers?: Record<string, string> } = {},
) {
  return appFor(viewer).request(init.url ?? `${SITE}/vote`, { method: "POST", ...init });
}

function formBody(fields: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

async function refusal(res: Response) {
  return { status: res.status, detail: ((await res.json()) as { detail?: string }).detail };
}

describe("csrfProtection: safe methods", () => {
  it.each(["GET", "HEAD", "OPTIONS"])(
    "lets %s through, even from another site and without a token",
    async (method) => {
      const res = await send(signedIn, {
        method,
        headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      });
      expect(res.status).toBe(200);
    },
  );
});

describe("csrfProtection: where the request comes from (every viewer)", () => {
  it.each(["cross-site", "same-site"])("refuses Sec-Fetch-Site: %s", async (site) => {
    const res = await send(signedOut, { headers: { "sec-fetch-site": site } });
    expect(await refusal(res)).toEqual({ status: 403, detail: FROM_ANOTHER_SITE });
  });

  it.each(["same-origin", "none"])("accepts Sec-Fetch-Site: %s", async (site) => {
    const res = await send(signedOut, { headers: { "sec-fetch-site": site } });
    expect(res.status).toBe(200);
  });

  it.each([
    ["another site", "https://evil.example"],
    ["the site over plain HTTP", "http://shiporskip.example"],
    ["the site on another port", "https://shiporskip.example:8443"],
    ["an opaque origin", "null"],
  ])("refuses an Origin of %s", async (_, origin) => {
    const res = await send(signedOut, { headers: { origin } });
    expect(await refusal(res)).toEqual({ status: 403, detail: FROM_ANOTHER_SITE });
  });

  it("accepts an Origin of SITE_URL's origin, or of another origin the site is given (development)", async () => {
    expect((await send(signedOut, { headers: { origin: SITE } })).status).toBe(200);
    const local = await appFor(signedOut, [SITE, "http://127.0.0.1:3000"]).request(
      "http://127.0.0.1:3000/vote",
      {
        method: "POST",
        headers: { origin: "http://127.0.0.1:3000" },
      },
    );
    expect(local.status).toBe(200);
  });

  it("refuses an Origin that only matches the Host the request claims (DNS rebinding)", async () => {
    const rebound = await send(signedOut, {
      url: "http://attacker.example/vote",
      headers: { origin: "http://attacker.example", host: "attacker.example" },
    });
    expect(await refusal(rebound)).toEqual({ status: 403, detail: FROM_ANOTHER_SITE });
  });

  it("accepts a signed-out post that names no origin and carries no token", async () => {
    const res = await send(signedOut, formBody({ value: "ship" }));
    expect(res.status).toBe(200);
  });

  it("guards every unsafe method, not only POST", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await send(signedOut, { method, headers: { origin: "https://evil.example" } });
      expect(res.status).toBe(403);
    }
  });

  it("refuses a request from another site even when it carries the right token", async () => {
    const res = await send(signedIn, {
      headers: { "sec-fetch-site": "cross-site", "x-csrf-token": TOKEN },
    });
    expect(await refusal(res)).toEqual({ status: 403, detail: FROM_ANOTHER_SITE });
  });
});

describe("csrfProtection: the session's token (signed in)", () => {
  it("accepts the token in the X-CSRF-Token header", async () => {
    const res = await send(signedIn, { headers: { "x-csrf-token": TOKEN } });
    expect(res.status).toBe(200);
  });

  it("accepts the token in the _csrf form field, and the route can still read the form", async () => {
    const res = await send(signedIn, formBody({ _csrf: TOKEN, value: "ship" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reached: true, form: { _csrf: TOKEN, value: "ship" } });
  });

  it("accepts the token in a multipart form", async () => {
    const body = new FormData();
    body.set("_csrf", TOKEN);
    const res = await send(signedIn, { body });
    expect(res.status).toBe(200);
  });

  it("refuses a post with no token", async () => {
    const res = await send(signedIn, formBody({ value: "ship" }));
    expect(await refusal(res)).toEqual({ status: 403, detail: EXPIRED });
  });

  it.each([
    ["another session's token", "the-csrf-token-of-another-session"],
    ["a shorter token", TOKEN.slice(0, -1)],
    ["an empty token", ""],
  ])("refuses %s, in the form or in the header", async (_, token) => {
    const inForm = await send(signedIn, formBody({ _csrf: token }));
    expect(await refusal(inForm)).toEqual({ status: 403, detail: EXPIRED });
    const inHeader = await send(signedIn, { headers: { "x-csrf-token": token } });
    expect(await refusal(inHeader)).toEqual({ status: 403, detail: EXPIRED });
  });

  it("asks for the token on every unsafe method, not only POST", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect(await refusal(await send(signedIn, { method }))).toEqual({ status: 403, detail: EXPIRED });
      expect((await send(signedIn, { method, headers: { "x-csrf-token": TOKEN } })).status).toBe(200);
    }
  });

  it("reads _csrf only from forms: a JSON body must send the header", async () => {
    const res = await send(signedIn, {
      body: JSON.stringify({ _csrf: TOKEN }),
      headers: { "content-type": "application/json" },
    });
    expect(await refusal(res)).toEqual({ status: 403, detail: EXPIRED });
  });

  it("answers 400, not a refusal or a crash, when the form cannot be read", async () => {
    const res = await send(signedIn, {
      body: "_csrf=x",
      headers: { "content-type": "multipart/form-data" },
    });
    expect(res.status).toBe(400);
  });
});

describe("masked CSRF tokens", () => {
  it("show different bytes on every page for the same token, and unmask to it", async () => {
    const { maskToken, unmaskToken, csrfTokenFor } = await import("./tokens.ts");
    const token = csrfTokenFor("a-session-secret");
    const first = maskToken(token);
    const second = maskToken(token);
    expect(first).not.toBe(second);
    expect(first).not.toContain(token);
    expect(unmaskToken(first)).toBe(token);
    expect(unmaskToken(second)).toBe(token);
    // anything else comes back unchanged, to be compared (and refused) as sent
    expect(unmaskToken(token)).not.toBe(csrfTokenFor("another"));
    expect(unmaskToken("not base64url!")).toBe("not base64url!");
  });
});
