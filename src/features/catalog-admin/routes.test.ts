import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { form, signIn, type TestSession } from "../../../test/support/session.ts";
import { decode, type Fields, formFields, stampOf } from "../../../test/support/tool-form.ts";
import { CLI_ACTOR } from "../audit/index.ts";
import { grantRoleAudited } from "../moderation/index.ts";

reportSkippedPostgres("catalog admin");

const ADMIN = "catalog-admin@example.com";
const OTHER_ADMIN = "other-admin@example.com";

/** A complete, valid add-a-tool form, as a browser would post it (blank spare rows included). */
function toolFields(overrides: Fields = {}): Fields {
  return {
    slug: "lens-lab",
    name: "Lens Lab",
    vendor: "Lens Company",
    category: "developer-tools",
    bestFor: "Trying vision prompts against your own photos",
    description: "Lens Lab is a hosted playground and API for small vision-language models.",
    homepage: "https://lens.example.com",
    deployment: ["cloud-api", "on-device"],
    addedAt: "2026-05-06",
    "pricing.model": "usage-based",
    "pricing.entry": "$0.15 / 1k images",
    "pricing.freeTier": "yes",
    "pricing.license": "Proprietary",
    "pricing.units.0.label": "Images",
    "pricing.units.0.usd": "0.15",
    "pricing.units.0.unit": "1k images",
    "pricing.units.1.label": "",
    "pricing.units.1.usd": "",
    "pricing.units.1.unit": "",
    "pricing.detail": "Billed per thousand images after a monthly free allowance.",
    "pricing.asOf": "2026-05-01",
    "competitors.0.slug": "moondream2",
    "competitors.0.name": "",
    "competitors.1.slug": "",
    "competitors.1.name": "Florence-2",
    "competitors.2.slug": "",
    "competitors.2.name": "",
    ...overrides,
  };
}

describe.each(testEngines())("admin catalog pages on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;
  let panelist: TestSession;
  let reader: TestSession;

  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: `${ADMIN},${OTHER_ADMIN}` });
    admin = await signIn(t, ADMIN);
    panelist = await signIn(t, "panelist@example.com");
    await grantRoleAudited(t.db.db, {
      actor: CLI_ACTOR,
      email: "panelist@example.com",
      role: "panelist",
      reason: "test",
    });
    reader = await signIn(t, "reader@example.com");
  });
  afterAll(() => t?.dispose());

  const db = () => t.db.db;

  /** A form post as a session, with list fields (checkboxes) sent once per value. */
  function post(s: TestSession, path: string, fields: Fields, opts: { csrf?: boolean } = {}) {
    const body = opts.csrf === false ? fields : { _csrf: s.csrf, ...fields };
    return t.request(path, form(body, { cookie: s.cookie }));
  }

  async function toolRow(slug: string) {
    return db().selectFrom("tools").selectAll().where("slug", "=", slug).executeTakeFirst();
  }

  async function auditOf(subject: string) {
    const rows = await db()
      .selectFrom("audit_log")
      .select(["action", "actor_email", "reason", "detail"])
      .where("subject", "=", subject)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
  }

  /** The text of a field's error message on a rendered form, entities decoded. */
  function fieldError(html: string, id: string): string | undefined {
    return decode(new RegExp(`id="${id}-error">([^<]*)<`).exec(html)?.[1]);
  }

  it("lets an admin add a tool: it gets a public page, an in-progress panel and an audit entry", async () => {
    const list = await admin.get("/admin/tools");
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain('href="/admin/tools/new"');
    expect(listHtml).toContain('href="/admin/tools/cursor/edit"');

    const blank = await admin.get("/admin/tools/new");
    expect(blank.status).toBe(200);
    const blankHtml = await blank.text();
    // every profile field is on the form, and the selects list the catalog
    for (const name of [
      "slug",
      "name",
      "vendor",
      "category",
      "bestFor",
      "description",
      "homepage",
      "deployment",
      "addedAt",
      "pricing.model",
      "pricing.entry",
      "pricing.freeTier",
      "pricing.license",
      "pricing.units.0.label",
      "pricing.units.0.usd",
      "pricing.units.0.unit",
      "pricing.detail",
      "pricing.asOf",
      "competitors.0.slug",
      "competitors.0.name",
    ]) {
      expect(blankHtml).toContain(`name="${name}"`);
    }
    expect(blankHtml).toContain('<option value="vector-databases">Vector Databases</option>');
    expect(blankHtml).toContain('<option value="moondream2">moondream2</option>');
    expect(blankHtml).toContain('name="_csrf"');

    const res = await post(admin, "/admin/tools/new", toolFields());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/tools?saved=lens-lab&result=add");
    const notice = await (await admin.get(res.headers.get("location")!)).text();
    expect(notice).toContain('Added <a href="/tools/lens-lab">Lens Lab</a>');

    const row = await toolRow("lens-lab");
    expect(row?.panel_verdict).toBe("in-progress");
    expect(row?.panel_published).toBe(0);

    const page = await t.request("/tools/lens-lab");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Lens Lab");
    expect(html).toContain("Lens Company");
    expect(html).toContain("Best for: Trying vision prompts against your own photos");
    expect(html).toContain("Cloud API, On-device");
    expect(html).toContain("$0.15");
    expect(html).toContain("1k images");
    expect(html).toContain('<a href="/tools/moondream2">moondream2</a>');
    expect(html).toMatch(/Florence-2 <span class="muted small">\(not in the catalog yet\)/);
    expect(html).toContain("Panel in progress (0/4)");

    const audit = await auditOf("tool:lens-lab");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "tool.create", actor_email: ADMIN, reason: "admin form" });
    expect(audit[0]?.detail.changes.name).toEqual({ after: "Lens Lab" });
    expect(audit[0]?.detail.changes.competitors).toEqual({
      after: [{ name: "moondream2", slug: "moondream2" }, { name: "Florence-2" }],
    });
  });

  it("lets an admin edit a tool: pages show it at once and the audit entry names the changes", async () => {
    // an anonymous visit puts the page in the cache; the edit must clear it
    await t.request("/tools/aider");
    expect(t.deps.cache.get("/tools/aider")).toBeDefined();

    const edit = await admin.get("/admin/tools/aider/edit");
    expect(edit.status).toBe(200);
    const form = await edit.text();
    expect(form).toContain('name="name" type="text" value="Aider"');
    expect(form).toMatch(/name="slug" type="text" value="aider"[^>]*readonly/);

    // post the stored values back with two changes
    const fields = formFields(form);
    expect(fields.tool_stamp).toBe((await toolRow("aider"))?.updated_at);
    const before = await (await t.request("/tools/aider")).text();
    expect(before).not.toContain("Aider Chat");

    const res = await post(admin, "/admin/tools/aider/edit", {
      ...fields,
      name: "Aider Chat",
      "pricing.entry": "Free (bring a key)",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/tools?saved=aider&result=update");
    expect(t.deps.cache.get("/tools/aider")).toBeUndefined();

    const html = await (await t.request("/tools/aider")).text();
    expect(html).toContain('<h1 class="m-0">Aider Chat</h1>');
    expect(html).toContain("Free (bring a key)");

    const audit = await auditOf("tool:aider");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "tool.update", actor_email: ADMIN });
    expect(audit[0]?.detail.fields).toEqual(["name", "pricing.entry"]);
    expect(audit[0]?.detail.changes.name).toEqual({ before: "Aider", after: "Aider Chat" });

    // sending the same values again (from a fresh form) changes nothing and logs nothing
    const fresh = formFields(await (await admin.get("/admin/tools/aider/edit")).text());
    const again = await post(admin, "/admin/tools/aider/edit", {
      ...fields,
      tool_stamp: fresh.tool_stamp!,
      name: "Aider Chat",
      "pricing.entry": "Free (bring a key)",
    });
    expect(again.headers.get("location")).toBe("/admin/tools?saved=aider&result=unchanged");
    expect(await auditOf("tool:aider")).toHaveLength(1);
  });

  it("answers bad input with 400, each message next to its field, every value kept, nothing saved", async () => {
    const res = await post(
      admin,
      "/admin/tools/new",
      toolFields({
        slug: "half-baked",
        name: 'Half "Baked" <b>',
        homepage: "http://half.example.com",
        category: "time-travel",
        deployment: [],
        "pricing.units.1.label": "Calls",
        "pricing.units.1.usd": "cheap",
        "pricing.units.1.unit": "1k calls",
        "competitors.2.slug": "no-such-tool",
        "pricing.entry": "",
      }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, "f-homepage")).toBe("Must be a full https:// address.");
    expect(fieldError(html, "f-category")).toContain('There is no category "time-travel"');
    expect(fieldError(html, "f-deployment")).toBe("Choose at least one.");
    expect(fieldError(html, "f-pricing-units-1-usd")).toBe("Must be a number, such as 0.15.");
    expect(fieldError(html, "f-competitors-2-slug")).toContain('There is no tool "no-such-tool"');
    expect(fieldError(html, "f-pricing-entry")).toBe("Required.");
    expect(html).toContain("Nothing was saved: 6 fields need");
    // the values come back as typed, escaped
    expect(html).toContain('value="Half &quot;Baked&quot; &lt;b&gt;"');
    expect(html).not.toContain("<b>");
    expect(html).toContain('value="http://half.example.com"');
    expect(html).toContain('value="cheap"');
    expect(html).toContain('<option value="time-travel" selected="">time-travel</option>');
    expect(html).toContain("Lens Lab is a hosted playground");
    expect(await toolRow("half-baked")).toBeUndefined();
    expect(await auditOf("tool:half-baked")).toHaveLength(0);

    // fields left empty say so, rather than quoting a format
    const empty = await post(admin, "/admin/tools/new", toolFields({ slug: "", category: "", addedAt: "" }));
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    for (const id of ["f-slug", "f-category", "f-addedAt"])
      expect(fieldError(emptyHtml, id)).toBe("Required.");

    // a taken slug, and a slug changed while editing, are refused at the slug field
    const taken = await post(admin, "/admin/tools/new", toolFields({ slug: "cursor" }));
    expect(taken.status).toBe(400);
    expect(fieldError(await taken.text(), "f-slug")).toContain('already has a tool "cursor"');
    const lensStamp = stampOf(await (await admin.get("/admin/tools/lens-lab/edit")).text());
    const renamed = await post(
      admin,
      "/admin/tools/lens-lab/edit",
      toolFields({ slug: "lens-lab-2", tool_stamp: lensStamp! }),
    );
    expect(renamed.status).toBe(400);
    expect(fieldError(await renamed.text(), "f-slug")).toContain("cannot change");
    expect(await toolRow("lens-lab-2")).toBeUndefined();
  });

  it("refuses an edit resting on a version someone else saved since: 409, nothing written, text kept", async () => {
    const other = await signIn(t, OTHER_ADMIN);
    const slug = "langfuse";
    const formA = formFields(await (await admin.get(`/admin/tools/${slug}/edit`)).text());
    const formB = formFields(await (await other.get(`/admin/tools/${slug}/edit`)).text());
    const opened = formB.tool_stamp;
    expect(opened).toBe((await toolRow(slug))?.updated_at);

    const saveA = await post(admin, `/admin/tools/${slug}/edit`, { ...formA, vendor: "Vendor A" });
    expect(saveA.status).toBe(303);
    const afterA = await toolRow(slug);
    expect(afterA?.vendor).toBe("Vendor A");
    expect(afterA?.updated_at).not.toBe(opened);

    // a form sent back for a field error still rests on what was opened: its stamp is unchanged
    const invalid = await post(other, `/admin/tools/${slug}/edit`, { ...formB, homepage: "not a url" });
    expect(invalid.status).toBe(400);
    expect(stampOf(await invalid.text())).toBe(opened);

    // B saves on the form opened before A's save
    const mine = { ...formB, name: "Name by B", "pricing.entry": "$9 from B" };
    const refused = await post(other, `/admin/tools/${slug}/edit`, mine);
    expect(refused.status).toBe(409);
    expect(await toolRow(slug)).toEqual(afterA);
    expect((await auditOf(`tool:${slug}`)).map((a) => a.actor_email)).toEqual([ADMIN]);
    const html = await refused.text();
    const text = decode(html.replace(/<[^>]+>/g, ""));
    expect(text).toContain(
      `${ADMIN} saved this tool at ${afterA!.updated_at.slice(0, 16).replace("T", " ")} UTC (see the audit log); your changes are below and were not saved.`,
    );
    expect(html).toContain('<a href="/admin/audit">audit log</a>');
    // the fields where B's text differs from A's version, with A's values
    expect(text).toContain("Name: Langfuse");
    expect(text).toContain("Vendor: Vendor A");
    expect(text).toMatch(/Entry price: [^\n]/);
    expect(text).not.toContain("Description:");
    // B's text is kept, with a stamp that lets a deliberate second save through
    const kept = formFields(html);
    expect(kept.name).toBe("Name by B");
    expect(kept["pricing.entry"]).toBe("$9 from B");
    expect(kept.vendor).toBe(formB.vendor);
    expect(kept.tool_stamp).toBe(afterA?.updated_at);

    const overwrite = await post(other, `/admin/tools/${slug}/edit`, kept);
    expect(overwrite.status).toBe(303);
    expect(overwrite.headers.get("location")).toBe(`/admin/tools?saved=${slug}&result=update`);
    const afterB = await toolRow(slug);
    expect(afterB).toMatchObject({ name: "Name by B", pricing_entry: "$9 from B", vendor: formB.vendor });
    expect(afterB!.updated_at > afterA!.updated_at).toBe(true);
    const audit = await auditOf(`tool:${slug}`);
    expect(audit.map((a) => [a.actor_email, a.detail.fields])).toEqual([
      [ADMIN, ["vendor"]],
      [OTHER_ADMIN, ["name", "vendor", "pricing.entry"]],
    ]);

    // A's stale form is now refused in turn
    expect((await post(admin, `/admin/tools/${slug}/edit`, { ...formA, vendor: "Vendor A2" })).status).toBe(
      409,
    );
  });

  it("lets one of several edits sent at once on the same stamp through; the others get 409", async () => {
    const other = await signIn(t, OTHER_ADMIN);
    const slug = "helicone";
    const opened = formFields(await (await admin.get(`/admin/tools/${slug}/edit`)).text());
    for (let round = 0; round < 3; round++) {
      const stamp = (await toolRow(slug))!.updated_at;
      const answers = await Promise.all(
        [admin, other, admin, other].map((who, i) =>
          post(who, `/admin/tools/${slug}/edit`, {
            ...opened,
            tool_stamp: stamp,
            bestFor: `Round ${round}, writer ${i}`,
          }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([303, 409, 409, 409]);
    }
    expect(await auditOf(`tool:${slug}`)).toHaveLength(3);
  });

  it("asks to reload an edit whose stamp is missing or garbled, and writes nothing", async () => {
    const fields = formFields(await (await admin.get("/admin/tools/cursor/edit")).text());
    const before = await toolRow("cursor");
    for (const tool_stamp of [undefined, "", "yesterday", "2026-13-45T99:99:99.000Z"]) {
      const { tool_stamp: _, ...rest } = fields;
      const body = tool_stamp === undefined ? rest : { ...rest, tool_stamp };
      const res = await post(admin, "/admin/tools/cursor/edit", { ...body, name: "Cursor Changed" });
      expect(res.status, String(tool_stamp)).toBe(400);
      expect(decode(await res.text())).toContain("Reload the edit page");
    }
    expect(await toolRow("cursor")).toEqual(before);
  });

  it("adds a slug once when two admins add it at the same moment; the other gets the slug's field error", async () => {
    const fields = toolFields({ slug: "twin-tool", name: "Twin tool" });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post(admin, "/admin/tools/new", fields)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 400, 400, 400]);
    for (const res of answers.filter((r) => r.status === 400)) {
      expect(fieldError(await res.text(), "f-slug")).toContain('already has a tool "twin-tool"');
    }
    expect(await auditOf("tool:twin-tool")).toHaveLength(1);
  });

  it("refuses panelists and readers with 403 on every page and every save", async () => {
    for (const who of [panelist, reader]) {
      for (const path of ["/admin/tools", "/admin/tools/new", "/admin/tools/cursor/edit"]) {
        const res = await who.get(path);
        expect(res.status, `${who.email} GET ${path}`).toBe(403);
      }
      for (const path of ["/admin/tools/new", "/admin/tools/cursor/edit"]) {
        const res = await post(
          who,
          path,
          toolFields({ slug: path.includes("cursor") ? "cursor" : "sneaky" }),
        );
        expect(res.status, `${who.email} POST ${path}`).toBe(403);
      }
    }
    expect(await toolRow("sneaky")).toBeUndefined();
    // signed out: pages send to sign-in, saves are refused
    const page = await t.request("/admin/tools");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/sign-in?next=%2Fadmin%2Ftools");
    expect((await t.request("/admin/tools/new", form(toolFields({ slug: "anon" })))).status).toBe(401);
    expect(await toolRow("anon")).toBeUndefined();
  });

  it("refuses a save without the CSRF token", async () => {
    const res = await post(admin, "/admin/tools/new", toolFields({ slug: "forged" }), { csrf: false });
    expect(res.status).toBe(403);
    expect(await toolRow("forged")).toBeUndefined();
    const edit = await post(admin, "/admin/tools/cursor/edit", toolFields({ slug: "cursor" }), {
      csrf: false,
    });
    expect(edit.status).toBe(403);
    expect((await toolRow("cursor"))?.name).toBe("Cursor");
  });

  it("answers 404 for a tool that does not exist", async () => {
    expect((await admin.get("/admin/tools/no-such-tool/edit")).status).toBe(404);
    expect((await post(admin, "/admin/tools/no-such-tool/edit", toolFields())).status).toBe(404);
  });
});
