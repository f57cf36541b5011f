/** Reading JSON the database keeps in text columns. */

/** A stored JSON object, or {} when the text is not one (old or damaged rows never break a page). */
export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
