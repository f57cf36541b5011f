import { AsyncLocalStorage } from "node:async_hooks";
import { createContext, useContext } from "hono/jsx";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.ts";
import { renderHtml } from "./render.ts";

describe("rendering without async hooks", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.dispose());

  it("renders pages without running an AsyncLocalStorage, which would turn async hooks on for good", async () => {
    const run = vi.spyOn(AsyncLocalStorage.prototype, "run");
    const enterWith = vi.spyOn(AsyncLocalStorage.prototype, "enterWith");
    try {
      for (const path of ["/", "/tools/cursor", "/compare/cursor-vs-github-copilot", "/leaderboard"]) {
        const res = await t.app.request(path);
        expect(res.status, path).toBe(200);
      }
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it("still hands context values down to synchronous components, nested and restored", async () => {
    const Name = createContext("outer default");
    const Show = () => <i>{useContext(Name)}</i>;
    const html = await renderHtml(
      <p>
        <Show />
        <Name.Provider value="first">
          <Show />
          <Name.Provider value="second">
            <Show />
          </Name.Provider>
          <Show />
        </Name.Provider>
      </p>,
    );
    expect(html).toBe("<p><i>outer default</i><i>first</i><i>second</i><i>first</i></p>");
  });

  it("leaves process.getBuiltinModule as it found it", () => {
    expect(process.getBuiltinModule("node:async_hooks")?.AsyncLocalStorage).toBe(AsyncLocalStorage);
  });
});
