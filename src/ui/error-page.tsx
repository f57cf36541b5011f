/** The helpful error page: what went wrong and where to go instead. */
import type { HttpError } from "../http/errors.ts";
import { Layout } from "./layout.tsx";

/** Renders an HttpError for readers. */
export function ErrorPage({
  error,
}: {
  error: Pick<HttpError, "status" | "title" | "detail" | "suggestions">;
}) {
  return (
    <Layout title={error.title}>
      <p class="eyebrow">Error {error.status}</p>
      <h1>{error.title}</h1>
      <p class="lede">{error.detail}</p>
      {error.suggestions.length > 0 ? (
        <ul class="list-plain">
          {error.suggestions.map((s) => (
            <li>
              <a href={s.href}>{s.label}</a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="mt-3">
        <a href="/">Go to the home page</a> · <a href="/tools">Browse every tool</a>
      </p>
    </Layout>
  );
}
