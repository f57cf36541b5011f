import { html, raw } from "hono/html";
import { describe, expect, it } from "vitest";
import { markupText, noticeHtml } from "./html.ts";

describe("mail markup", () => {
  it("escapes every interpolation and passes markup through", () => {
    expect(markupText(html`${`<a href="x">'&'</a>`}`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    const inner = html`<b>${"<i>"}</b>`;
    expect(markupText(html`<p>${inner}${["<", raw("<br>")]}${null}${false}${3}</p>`)).toBe(
      "<p><b>&lt;i&gt;</b>&lt;<br>3</p>",
    );
  });

  it("refuses markup that would render later rather than send [object Promise]", () => {
    expect(() => markupText(html`<p>${Promise.resolve("late")}</p>`)).toThrow(TypeError);
  });

  it("wraps a one-off message's body in its document", () => {
    const doc = noticeHtml(html`<p>${"Tom & Jerry"}</p>`);
    expect(doc.startsWith("<!doctype html><html><body")).toBe(true);
    expect(doc).toContain("\n<p>Tom &amp; Jerry</p>\n</body></html>");
  });
});
