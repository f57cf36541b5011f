import { describe, expect, it } from "vitest";
import { can, isRole } from "./permissions.ts";

describe("permissions", () => {
  it("gives readers voting and bookmarks, not publishing or moderation", () => {
    expect(can("reader", "vote:cast")).toBe(true);
    expect(can("reader", "bookmark:edit")).toBe(true);
    expect(can("reader", "review:publish")).toBe(false);
    expect(can("reader", "vote:moderate")).toBe(false);
    expect(can("reader", "newsletter:send")).toBe(false);
  });

  it("gives panelists reviews on top of a reader's rights, not the catalog", () => {
    expect(can("panelist", "vote:cast")).toBe(true);
    expect(can("panelist", "review:publish")).toBe(true);
    expect(can("panelist", "tool:edit")).toBe(false);
    expect(can("panelist", "user:block")).toBe(false);
    expect(can("panelist", "newsletter:send")).toBe(false);
  });

  it("gives admins everything and unknown roles nothing", () => {
    expect(can("admin", "vote:moderate")).toBe(true);
    expect(can("admin", "tool:edit")).toBe(true);
    expect(can("admin", "newsletter:send")).toBe(true);
    expect(can("owner", "vote:cast")).toBe(false);
    expect(isRole("panelist")).toBe(true);
    expect(isRole("root")).toBe(false);
  });
});
