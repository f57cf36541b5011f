/** Pages in two steps: personal parts as holes, then filled per reader (personal.tsx). */
import { describe, expect, it } from "vitest";
import { fillTemplate, Personal, renderPage } from "./personal.tsx";
import { ANONYMOUS, type PageViewer, useViewer } from "./viewer-context.ts";

const reader = (votes: Record<string, "ship" | "skip">, csrfToken = "token-1"): PageViewer => ({
  ...ANONYMOUS,
  user: { id: 1, email: "r@example.com", role: "reader", sessionId: 1 },
  csrfToken,
  votes: new Map(Object.entries(votes)),
  path: "/page",
});

function Token() {
  return <i>{useViewer().csrfToken}</i>;
}

function Vote(props: { slug: string; mine: string | null }) {
  return (
    <b>
      {props.slug}:{props.mine ?? "none"}
      <Personal of={Token} with={{}} />
    </b>
  );
}

function Page(props: { slugs: string[] }) {
  return (
    <main>
      {props.slugs.map((slug) => (
        <Personal of={Vote} with={{ slug }} pick={(v: PageViewer) => ({ mine: v.votes.get(slug) ?? null })} />
      ))}
      <p>shared</p>
    </main>
  );
}

describe("personal parts", () => {
  it("leaves a hole per part, nothing of the reader in the template, and fills it for each reader", async () => {
    const { html, template } = await renderPage(<Page slugs={["a", "b"]} />, reader({ a: "ship" }));
    expect(html).toBe("<main><b>a:ship<i>token-1</i></b><b>b:none<i>token-1</i></b><p>shared</p></main>");
    expect(template.holes).toHaveLength(2);
    expect(template.parts.join("")).toBe("<main><p>shared</p></main>");
    const other = await fillTemplate(template, reader({ b: "skip" }, "token-2"));
    expect(other).toBe("<main><b>a:none<i>token-2</i></b><b>b:skip<i>token-2</i></b><p>shared</p></main>");
    const anonymous = await fillTemplate(template, { ...ANONYMOUS, path: "/page" });
    expect(anonymous).toBe("<main><b>a:none<i></i></b><b>b:none<i></i></b><p>shared</p></main>");
  });

  it("reuses a part's render for the same inputs, with each reader's own token put in", async () => {
    const { template } = await renderPage(<Page slugs={["a"]} />, reader({}));
    const kept = template.holes[0]?.rendered;
    expect(kept?.size).toBe(1);
    expect(await fillTemplate(template, reader({}, "token-9"))).toContain("<i>token-9</i>");
    expect(kept?.size).toBe(1);
    expect(await fillTemplate(template, reader({ a: "skip" }))).toContain("a:skip");
    expect(kept?.size).toBe(2);
  });

  it("refuses a part inside another that would pick from the viewer (it sees only the token and path there)", async () => {
    function Outer() {
      return <Personal of={Vote} with={{ slug: "x" }} pick={() => ({ mine: null })} />;
    }
    await expect(renderPage(<Personal of={Outer} with={{}} />, reader({}))).rejects.toThrow(
      /may not pick or load/,
    );
  });
});
