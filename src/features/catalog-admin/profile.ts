/**
 * Pure rules about a tool profile that the admin form and the file import share: readable
 * schema messages, the checks against the catalog (categories, competitor slugs, duplicates),
 * and the field-by-field difference that plans and audit entries are made of.
 */
import type { z } from "zod";
import { DEPLOYMENTS, type ToolProfileInput, toolProfileSchema } from "../../domain/catalog-schema.ts";

/** A path into a profile, as zod gives it: ["pricing", "units", 1, "usd"]. */
export type ProfilePath = (string | number)[];

/** One thing wrong with one profile. */
export interface ProfileIssue {
  path: ProfilePath;
  message: string;
}

/** A ProfileIssue of one profile in a batch, by its position in the batch. */
export interface BatchIssue extends ProfileIssue {
  index: number;
  /** For a repeated slug: the index of its first appearance. */
  duplicateOf?: number;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number, such as 0.15",
  boolean: "true or false",
  array: "a list",
  object: "an object with its own fields",
};

/**
 * Zod's fallback messages, reworded so a person can fix the value. Messages the schema sets
 * itself (the slug and date formats) win over these.
 */
const profileErrorMap = (iss: z.core.$ZodRawIssue): string | undefined => {
  switch (iss.code) {
    case "invalid_type": {
      const want = TYPE_WORDS[iss.expected] ?? iss.expected;
      return iss.input === undefined ? "Required." : `Must be ${want}.`;
    }
    case "too_small":
      if (iss.origin === "string") return "Required.";
      if (iss.origin === "array") return iss.minimum === 1 ? "Choose at least one." : undefined;
      if (iss.origin === "number") return `Must be ${iss.minimum} or more.`;
      return undefined;
    case "too_big":
      if (iss.origin === "string") {
        const length = typeof iss.input === "string" ? iss.input.trim().length : undefined;
        return `At most ${iss.maximum} characters${length === undefined ? "" : ` (this has ${length})`}.`;
      }
      if (iss.origin === "array") return `At most ${iss.maximum}.`;
      return undefined;
    case "invalid_value":
      return `Must be one of: ${iss.values.map(String).join(", ")}.`;
    case "invalid_format":
      return iss.format === "url" ? "Must be a full https:// address." : undefined;
    default:
      return undefined;
  }
};

/** Validates one raw profile with toolProfileSchema; every problem comes back, with its path. */
export function parseProfile(
  raw: unknown,
): { ok: true; profile: ToolProfileInput } | { ok: false; issues: ProfileIssue[] } {
  const parsed = toolProfileSchema.safeParse(raw, { error: profileErrorMap });
  if (parsed.success) return { ok: true, profile: normalizeProfile(parsed.data) };
  const issues: ProfileIssue[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      // one issue per key, so each is reported at its own field
      for (const key of issue.keys) {
        issues.push({
          path: [...path, key],
          message:
            key === "panel" && issue.path.length === 0
              ? "Not a profile field: panel reviews are written and published at /panel, not imported."
              : "Not a profile field.",
        });
      }
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return { ok: false, issues };
}

/** Deployment as a set in one canonical order, so the same choice always compares equal. */
export function normalizeProfile(p: ToolProfileInput): ToolProfileInput {
  return { ...p, deployment: DEPLOYMENTS.filter((d) => p.deployment.includes(d)) };
}

/** What the catalog checks need of a profile, read loosely so a profile that fails the schema is checked too. */
export interface LooseProfile {
  slug?: string;
  category?: string;
  /** Each competitor's slug, when it has a textual one. */
  competitorSlugs: (string | undefined)[];
}

const asText = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** The slug, category and competitor slugs of a raw profile, ignoring anything of the wrong type. */
export function looseProfile(raw: unknown): LooseProfile {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const competitors = Array.isArray(o.competitors) ? o.competitors : [];
  return {
    slug: asText(o.slug),
    category: asText(o.category),
    competitorSlugs: competitors.map((c) =>
      c && typeof c === "object" ? asText((c as Record<string, unknown>).slug) : undefined,
    ),
  };
}

/** What the catalog holds, for the checks: category slugs and tool slugs. */
export interface CatalogIndex {
  categories: ReadonlySet<string>;
  tools: ReadonlySet<string>;
}

/** How a batch treats slugs already in the catalog. */
export type SaveMode = "create" | "update" | "upsert";

/**
 * The checks a schema cannot make: the category exists, every competitor slug names a tool in
 * the catalog or in the same batch (and not the tool itself, nor one twice), no slug appears
 * twice in the batch, and in "create" mode no slug is taken (in "update" mode every one is).
 */
export function catalogIssues(
  items: LooseProfile[],
  catalog: CatalogIndex,
  mode: SaveMode = "upsert",
): BatchIssue[] {
  const issues: BatchIssue[] = [];
  const batchSlugs = new Set(items.flatMap((i) => (i.slug ? [i.slug] : [])));
  const firstAt = new Map<string, number>();
  const categoryList = [...catalog.categories].sort().join(", ");
  items.forEach((item, index) => {
    if (item.slug) {
      const first = firstAt.get(item.slug);
      if (first !== undefined) {
        issues.push({
          index,
          path: ["slug"],
          message: `"${item.slug}" appears more than once.`,
          duplicateOf: first,
        });
      } else firstAt.set(item.slug, index);
      if (mode === "create" && catalog.tools.has(item.slug)) {
        issues.push({
          index,
          path: ["slug"],
          message: `The catalog already has a tool "${item.slug}"; edit that one, or pick another slug.`,
        });
      }
      if (mode === "update" && !catalog.tools.has(item.slug)) {
        issues.push({ index, path: ["slug"], message: `There is no tool "${item.slug}" to update.` });
      }
    }
    if (item.category && !catalog.categories.has(item.category)) {
      issues.push({
        index,
        path: ["category"],
        message: `There is no category "${item.category}". The categories are: ${categoryList}.`,
      });
    }
    const seen = new Set<string>();
    item.competitorSlugs.forEach((slug, i) => {
      if (!slug) return;
      const path = ["competitors", i, "slug"];
      if (slug === item.slug) {
        issues.push({ index, path, message: "A tool cannot be its own competitor." });
      } else if (!catalog.tools.has(slug) && !batchSlugs.has(slug)) {
        issues.push({
          index,
          path,
          message: `There is no tool "${slug}" in the catalog. Leave the slug out to name a competitor outside the catalog.`,
        });
      } else if (seen.has(slug)) {
        issues.push({ index, path, message: `"${slug}" is listed twice.` });
      }
      seen.add(slug);
    });
  });
  return issues;
}

/** Every field an edit can change, as plans and audit entries name them. */
export const PROFILE_FIELDS = [
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
  "pricing.units",
  "pricing.detail",
  "pricing.asOf",
  "competitors",
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

function fieldValue(p: ToolProfileInput, field: ProfileField): unknown {
  if (field.startsWith("pricing.")) {
    return p.pricing[field.slice("pricing.".length) as keyof ToolProfileInput["pricing"]];
  }
  return p[field as Exclude<keyof ToolProfileInput, "pricing">];
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** One field's change; `before` is absent for a new tool. */
export interface FieldChange {
  field: ProfileField;
  before?: unknown;
  after: unknown;
}

/** The fields that differ between the stored profile (none for a new tool) and the incoming one. */
export function profileChanges(before: ToolProfileInput | undefined, after: ToolProfileInput): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of PROFILE_FIELDS) {
    const next = fieldValue(after, field);
    if (!before) {
      changes.push({ field, after: next });
      continue;
    }
    const prev = fieldValue(before, field);
    if (canonical(prev) !== canonical(next)) changes.push({ field, before: prev, after: next });
  }
  return changes;
}

/** Values longer than this (as JSON) are logged by length only: the audit log records, it does not archive. */
const SMALL_VALUE = 200;

/** The audit entry's detail: the changed fields, with before/after for small values and lengths for long ones. */
export function changeDetail(changes: FieldChange[]): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const c of changes) {
    const sizes = [c.before, c.after].map((v) => (v === undefined ? 0 : JSON.stringify(v).length));
    const small = sizes.every((n) => n <= SMALL_VALUE);
    const entry: Record<string, unknown> = {};
    if (small) {
      if ("before" in c) entry.before = c.before;
      entry.after = c.after;
    } else {
      if ("before" in c) entry.beforeLength = lengthOf(c.before);
      entry.afterLength = lengthOf(c.after);
    }
    detail[c.field] = entry;
  }
  return { fields: changes.map((c) => c.field), changes: detail };
}

/** A text's length in characters, or a list's number of items. */
function lengthOf(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.length;
  return JSON.stringify(v).length;
}

/** What saving one profile does, or would do. */
export interface PlanItem {
  slug: string;
  name: string;
  action: "add" | "update" | "unchanged";
  /** The changed fields (every field for an add). */
  changes: FieldChange[];
}

/** A decimal number from text, or the text itself (which the schema then refuses as not a number). */
export function numberFromText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : t;
}

/**
 * Trimmed text, or undefined when blank: for fields whose format message ("lowercase letters…",
 * "a date as YYYY-MM-DD") would puzzle someone who simply left them empty; the schema then says "Required."
 */
export function textOrMissing(text: string): string | undefined {
  const t = text.trim();
  return t === "" ? undefined : t;
}
