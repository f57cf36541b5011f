import { describe, expect, it } from "vitest";
import { escapeHtml, html, SafeHtml } from "./html.ts";

describe("the html helper", () => {
  it("escapes every interpolation and passes SafeHtml through", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const inner = html`<b>${"<i>"}</b>`;
    expect(String(html`<p>${inner}${["<", new SafeHtml("<br>")]}${null}${false}${3}</p>`)).toBe(
      "<p><b>&lt;i&gt;</b>&lt;<br>3</p>",
    );
  });
});
