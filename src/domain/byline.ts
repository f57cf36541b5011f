/**
 * Who a published review is by, in the words readers see: "by <panelist>", or "drafted by
 * <model>, edited by <panelist>" when a model wrote the first draft.
 */

/** The starter catalog's byline; it names a group, so it reads "the sample panel". */
export const SAMPLE_PANEL = "Sample panel";

export interface BylineSource {
  author: string;
  provenance: "panelist" | "model";
  modelName: string | null;
}

/** An author's name as it reads mid-sentence. */
export function authorName(author: string): string {
  return author === SAMPLE_PANEL ? "the sample panel" : author;
}

/** "by Ada", "by the sample panel", or "drafted by <model>, edited by Ada". */
export function reviewByline(r: BylineSource): string {
  const by = authorName(r.author);
  if (r.provenance === "model") return `drafted by ${r.modelName ?? "a model"}, edited by ${by}`;
  return `by ${by}`;
}

/** A byline (or any phrase) made to start a sentence: its first letter upper-cased. */
export function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The byline at the start of a sentence: "By Ada", "Drafted by <model>, edited by Ada". */
export function reviewBylineSentence(r: BylineSource): string {
  return capitalizeFirst(reviewByline(r));
}
