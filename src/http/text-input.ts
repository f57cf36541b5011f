/** What text the site accepts from outside: well-formed Unicode without control characters. */

/** C0 controls other than tab, LF and CR, and DEL: never part of text anyone types. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** With the `u` flag a character class matches a surrogate only when it is unpaired. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** Any C0 control or DEL, tab and newlines included: an address or a header has no room for them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `value` is not acceptable text ("control" or "unicode"), or undefined when it is. */
export function textProblem(
  value: string,
  opts: { lines?: boolean } = {},
): "control" | "unicode" | undefined {
  if ((opts.lines === false ? ANY_CONTROL : CONTROL).test(value)) return "control";
  if (LONE_SURROGATE.test(value)) return "unicode";
  return undefined;
}

/** The first problem among strings nested in a parsed body (keys included), or undefined. */
export function bodyProblem(value: unknown): "control" | "unicode" | undefined {
  if (typeof value === "string") return textProblem(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = bodyProblem(v);
      if (p) return p;
    }
  } else if (value && typeof value === "object" && !(value instanceof Blob)) {
    for (const [k, v] of Object.entries(value)) {
      const p = textProblem(k) ?? bodyProblem(v);
      if (p) return p;
    }
  }
  return undefined;
}

/** The sentence shown when a form or JSON body holds text the site refuses. */
export function bodyProblemMessage(problem: "control" | "unicode"): string {
  return problem === "control"
    ? "The form contains control characters (such as NUL) that no field accepts. Remove them and send it again."
    : "The request contains text that is not well-formed Unicode. Check the text and send it again.";
}
