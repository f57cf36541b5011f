/**
 * Renders JSX to HTML without turning on async hooks.
 *
 * hono/jsx (since 4.12.30) runs each render inside an AsyncLocalStorage when it can find one, so
 * that an async component can still read context after an `await`. On Node 20 the first
 * AsyncLocalStorage.run() enables async hooks for the whole process, for good: from then on
 * every promise and every socket pays an init hook, and page-cache hits, which render nothing,
 * lost about a third of their throughput (docs/decisions/016-invalidation-by-scope.md has the
 * figures). Our components are synchronous, and for synchronous renders hono/jsx's own fallback
 * (a context store that lives for the synchronous part of the render) gives the same result.
 * The rule that follows: a component reads context (useViewer) before its first `await`.
 *
 * hono/jsx looks for AsyncLocalStorage once, at its first render, through
 * process.getBuiltinModule. This module makes that one look come back empty, renders once, and
 * puts getBuiltinModule back, so nothing else in the process is affected. render.test.ts fails
 * if a page render ever runs an AsyncLocalStorage again (a hono upgrade that probes differently).
 */
import type { Child } from "hono/jsx";
import { Fragment, jsx } from "hono/jsx";

function renderFirstWithoutAsyncContext(): void {
  const original = process.getBuiltinModule;
  if (typeof original !== "function") return;
  process.getBuiltinModule = ((id: string) =>
    id === "node:async_hooks" || id === "async_hooks" ? undefined : original(id)) as typeof original;
  try {
    void jsx(Fragment, {}, "").toString();
  } finally {
    process.getBuiltinModule = original;
  }
}

renderFirstWithoutAsyncContext();

/** Renders a JSX tree to an HTML string (components must be synchronous; see the file comment). */
export async function renderHtml(node: Child): Promise<string> {
  return String(await jsx(Fragment, {}, node).toString());
}
