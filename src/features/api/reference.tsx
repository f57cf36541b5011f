/**
 * /api: the API reference, rendered on the server from the OpenAPI document itself (no script,
 * no CDN), so what it says is what the routes do: the conventions, each problem type under the
 * anchor its `type` URI names, every operation with its parameters, responses and a curl line,
 * and every schema.
 */
import { Hono } from "hono";
import type { Deps } from "../../http/deps.ts";
import { sendPage } from "../../http/page.tsx";
import { PROBLEM_TYPES, problemAnchor, problemTypeUri } from "../../http/problem.ts";
import { Layout } from "../../ui/layout.tsx";
import { API_BASE, type BuiltApi, type OpenApiDocument } from "./framework.ts";

/** A JSON Schema object as the document holds it, loosely typed for rendering. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  pattern?: string;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<
    string,
    { $ref?: string; description?: string; content?: Record<string, { schema?: Schema }> }
  >;
  "x-codeSamples"?: { lang: string; label: string; source: string }[];
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** One piece of a description: plain text, `code`, or a [link](/path) to one of the site's own pages. */
export type ProsePart = { text: string } | { code: string } | { link: string; href: string };

// `code`, or [text](/path): a path on this site only (a leading "/" but not "//"), so a
// description can never link elsewhere or to a script
const INLINE = /`([^`]+)`|\[([^\]`]+)\]\((\/(?!\/)[^\s()]*)\)/g;

/**
 * Splits a description's light markup into parts: inline code and links to the site's own
 * paths. Everything else stays text (the view escapes it), so no HTML ever passes through.
 */
export function proseParts(text: string): ProsePart[] {
  const parts: ProsePart[] = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    const index = m.index ?? 0;
    if (index > at) parts.push({ text: text.slice(at, index) });
    if (m[1] !== undefined) parts.push({ code: m[1] });
    else parts.push({ link: m[2] ?? "", href: m[3] ?? "/" });
    at = index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** Prose from the document: its `backticked` names set as code, its [links](/path) as links. */
function Prose({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      {proseParts(text).map((p) =>
        "code" in p ? <code>{p.code}</code> : "link" in p ? <a href={p.href}>{p.link}</a> : p.text,
      )}
    </>
  );
}
const schemaAnchor = (name: string) => `schema-${name}`;
/** A tag's section id: lower case, spaces and the like as hyphens ("Your account" → tag-your-account). */
const tagAnchor = (name: string) => `tag-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

/** A schema's type in a few words, linking named schemas to their section. */
function TypeLabel({ schema }: { schema: Schema | undefined }) {
  if (!schema) return <span>any</span>;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#${schemaAnchor(name)}`}>{name}</a>;
  }
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    return (
      <>
        {variants.map((v, i) => (
          <>
            {i > 0 ? " or " : ""}
            <TypeLabel schema={v} />
          </>
        ))}
      </>
    );
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = types.includes("null");
  const main = types.filter((t) => t !== "null");
  let label: unknown = main.join(" or ") || (nullable ? "null" : "any");
  if (main[0] === "array") {
    label = (
      <>
        array of <TypeLabel schema={schema.items} />
      </>
    );
  } else if (schema.enum) {
    label = `one of ${schema.enum
      .filter((e) => e !== null)
      .map((e) => JSON.stringify(e))
      .join(", ")}`;
  }
  return (
    <>
      {label}
      {nullable && main.length > 0 ? " or null" : ""}
    </>
  );
}

/** Limits worth saying next to a type. */
function constraints(schema: Schema | undefined): string {
  if (!schema) return "";
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`${schema.minimum} to ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join("; ");
}

/** The inline object an array or a property holds, if it is not a named schema. */
function inlineObject(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.properties) return schema;
  if (schema.items?.properties) return schema.items;
  return undefined;
}

/** An object's properties as a definition list, nested objects within. */
function Properties({ schema }: { schema: Schema }) {
  const required = new Set(schema.required ?? []);
  return (
    <dl class="api-props">
      {Object.entries(schema.properties ?? {}).map(([name, prop]) => {
        const nested = inlineObject(prop);
        const limits = constraints(prop);
        return (
          <>
            <dt>
              <code>{name}</code> <span class="muted small">{required.has(name) ? "" : "optional"}</span>
            </dt>
            <dd>
              <TypeLabel schema={prop} />
              {limits ? ` (${limits})` : ""}
              {prop.description ? ": " : ""}
              <Prose text={prop.description} />
              {nested ? <Properties schema={nested} /> : null}
            </dd>
          </>
        );
      })}
    </dl>
  );
}

function OperationSection({ method, path, op }: { method: string; path: string; op: Operation }) {
  const params = op.parameters ?? [];
  const curl = op["x-codeSamples"]?.find((s) => s.label === "curl")?.source;
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return (
    <section class="api-op" aria-labelledby={`op-${op.operationId}`}>
      <h3 id={`op-${op.operationId}`}>
        <code>
          {method.toUpperCase()} {path}
        </code>
      </h3>
      <p>
        <strong>{op.summary}.</strong> <Prose text={op.description} />
      </p>
      {op.security && op.security.length > 0 ? (
        <p>
          Needs a personal API token: <code>Authorization: Bearer …</code>.
        </p>
      ) : null}
      {params.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="skip-link">Parameters of {op.operationId}</caption>
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">In</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {params.map((p) => {
                const limits = constraints(p.schema);
                return (
                  <tr>
                    <th scope="row">
                      <code>{p.name}</code>
                      {p.required ? " (required)" : ""}
                    </th>
                    <td>{p.in}</td>
                    <td>
                      <TypeLabel schema={p.schema} />
                      {limits ? ` (${limits})` : ""}
                    </td>
                    <td>
                      <Prose text={p.description} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No parameters; any query parameter is a 400.</p>
      )}
      {body ? (
        <p>
          Body (<code>application/json</code>): <TypeLabel schema={body} />
        </p>
      ) : null}
      <p class="mt-1">Responses:</p>
      <ul>
        {Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.["application/json"]?.schema;
          return (
            <li>
              <strong>{status}</strong>{" "}
              {r.$ref ? (
                <>
                  a problem document (<a href="#problems">{refName(r.$ref)}</a>)
                </>
              ) : (
                <>
                  {r.description}
                  {/* a named schema links to its section; an inline one is described already */}
                  {schema?.$ref ? (
                    <>
                      {" "}
                      <TypeLabel schema={schema} />
                    </>
                  ) : null}
                </>
              )}
            </li>
          );
        })}
      </ul>
      {curl ? (
        <>
          <p>Example:</p>
          <pre class="api-example">
            <code>{curl}</code>
          </pre>
        </>
      ) : null}
    </section>
  );
}

/** The reference page. */
export function ApiReferencePage({ doc, siteUrl }: { doc: OpenApiDocument; siteUrl: string }) {
  const ops: { method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>))
      ops.push({ method, path, op });
  }
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>);
  const tags = (doc.tags ?? []).filter((t) => ops.some((o) => o.op.tags?.includes(t.name)));
  return (
    <Layout
      title="API reference"
      canonical={`${siteUrl}/api`}
      description="The Ship or Skip JSON API: every verdict, comparison and category as JSON, with OpenAPI 3.1, RFC 9457 errors and standard rate-limit headers."
    >
      <h1>API reference</h1>
      <p class="lede">
        Every verdict on this site as JSON. Reading needs no account; your own votes, picks and bookmarks need
        a <a href="#tag-your-account">personal API token</a>.
      </p>
      <p>
        Version {doc.info.version}, at <code>{`${siteUrl}${API_BASE}`}</code>. The machine-readable
        description is{" "}
        <a href={`${API_BASE}/openapi.json`}>
          <code>{`${API_BASE}/openapi.json`}</code>
        </a>{" "}
        (OpenAPI 3.1); this page is rendered from it.
      </p>
      <nav aria-labelledby="api-contents">
        <h2 id="api-contents">Contents</h2>
        <ul>
          <li>
            <a href="#conventions">Conventions</a>
          </li>
          <li>
            <a href="#problems">Errors and problem types</a>
          </li>
          {tags.map((t) => (
            <li>
              <a href={`#${tagAnchor(t.name)}`}>{t.name}</a>:{" "}
              {ops
                .filter((o) => o.op.tags?.includes(t.name))
                .map((o, i) => (
                  <>
                    {i > 0 ? ", " : ""}
                    <a href={`#op-${o.op.operationId}`}>
                      <code>
                        {o.method.toUpperCase()} {o.path}
                      </code>
                    </a>
                  </>
                ))}
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a>
          </li>
        </ul>
      </nav>

      <h2 id="conventions">Conventions</h2>
      <ul>
        <li>
          Answers are JSON (<code>application/json; charset=utf-8</code>). Tools and categories are named by
          slug, never by a database id; links in answers are absolute URLs.
        </li>
        <li>
          Every <code>GET</code> answer has an <code>ETag</code> and <code>Cache-Control: no-cache</code>:
          send the tag back in <code>If-None-Match</code> and an unchanged answer is a <code>304</code> with
          no body.
        </li>
        <li>
          Lists that can grow long are paged with cursors: <code>limit</code> sets the page size, and{" "}
          <code>next</code> (also a <code>Link: &lt;…&gt;; rel="next"</code> header) is the next page's URL,
          or null on the last. A cursor is opaque and only valid with the filters it was given with.
        </li>
        <li>
          Rate limits: every request counts against its network's allowance (an IPv4 address, an IPv6 /64).
          Every answer says where it stands with the IETF draft headers{" "}
          <code>RateLimit-Policy: "api";q=300;w=60</code> (quota and window in seconds) and{" "}
          <code>RateLimit: "api";r=299;t=60</code> (remaining, seconds to the window's end). Past the limit
          the answer is a <code>429</code> problem with <code>Retry-After</code>.
        </li>
        <li>
          CORS: any origin may call <code>GET</code>, <code>HEAD</code> and <code>OPTIONS</code>, without
          credentials; <code>ETag</code>, <code>Link</code> and the rate-limit headers are readable by the
          script.
        </li>
        <li>
          A known path asked with another method is a <code>405</code> whose <code>Allow</code> header lists
          the methods it takes; an unknown query parameter, or one given twice, is a <code>400</code> naming
          it.
        </li>
      </ul>

      <h2 id="problems">Errors and problem types</h2>
      <p>
        Every error is an RFC 9457 problem document (<code>application/problem+json</code>) with{" "}
        <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and{" "}
        <code>instance</code>; never a stack trace. The <code>type</code> is one of these URIs, each pointing
        here:
      </p>
      <dl class="api-props">
        {PROBLEM_TYPES.map((p) => (
          <>
            <dt id={problemAnchor(p.name)}>
              <code>{problemTypeUri(siteUrl, p.name)}</code> ({p.status ?? "any other 4xx"}, “{p.title}”)
            </dt>
            <dd>
              <Prose text={p.description} />
            </dd>
          </>
        ))}
      </dl>
      <p>For example, a misspelt slug:</p>
      <pre class="api-example">
        <code>
          {JSON.stringify(
            {
              type: problemTypeUri(siteUrl, "not-found"),
              title: "Not found",
              status: 404,
              detail: '"curzor" is not in the catalog. See "suggestions" for the closest slugs.',
              instance: `${API_BASE}/tools/curzor`,
              suggestions: [{ slug: "cursor", name: "Cursor" }],
            },
            null,
            2,
          )}
        </code>
      </pre>

      {tags.map((t) => (
        <section aria-labelledby={tagAnchor(t.name)}>
          <h2 id={tagAnchor(t.name)}>{t.name}</h2>
          {t.description ? (
            <p>
              <Prose text={t.description} />
            </p>
          ) : null}
          {ops
            .filter((o) => o.op.tags?.includes(t.name))
            .map((o) => (
              <OperationSection {...o} />
            ))}
        </section>
      ))}

      <h2 id="schemas">Schemas</h2>
      {schemas.map(([name, schema]) => (
        <section aria-labelledby={schemaAnchor(name)}>
          <h3 id={schemaAnchor(name)}>
            <code>{name}</code>
          </h3>
          {schema.description ? (
            <p>
              <Prose text={schema.description} />
            </p>
          ) : null}
          {schema.properties ? <Properties schema={schema} /> : <TypeLabel schema={schema} />}
        </section>
      ))}
    </Layout>
  );
}

/** The /api page, from the built API's document. */
export function apiReferenceRoutes(deps: Deps, api: BuiltApi) {
  const app = new Hono();
  app.get("/api", (c) =>
    sendPage(c, <ApiReferencePage doc={api.document()} siteUrl={deps.config.siteUrl} />),
  );
  return app;
}
