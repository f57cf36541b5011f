import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { useViewer } from "../ui/viewer-context.ts";
import { sendFragment, sendPage } from "./page.tsx";

/**
 * A component that awaits before it renders. It reads the viewer's context before the await:
 * pages render without AsyncLocalStorage (src/ui/render.ts), so context is there only during
 * the synchronous part of a component.
 */
async function Awaiting({ text }: { text: string }) {
  const { path } = useViewer();
  await new Promise((resolve) => setImmediate(resolve));
  return (
    <p>
      {text} at {path}
    </p>
  );
}

describe("rendering pages", () => {
  const app = new Hono();
  app.get("/page", (c) => sendPage(c, <Awaiting text="A page" />));
  app.get("/fragment", (c) => sendFragment(c, <Awaiting text="A fragment" />));

  it("awaits an async component in a page, with the viewer in context", async () => {
    const res = await app.request("/page?x=1");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toBe("<!doctype html><p>A page at /page?x=1</p>");
  });

  it("awaits an async component in a fragment", async () => {
    const res = await app.request("/fragment", { headers: { "x-page-path": "/tools" } });
    expect(await res.text()).toBe("<p>A fragment at /tools</p>");
  });
});
