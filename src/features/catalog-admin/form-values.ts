/**
 * The tool form's values as typed (all text, so nothing is lost when the form comes back with
 * errors), and the mapping between them, a raw profile for the schema, and field names for
 * error messages. Pure: the route reads the body, the view renders the values.
 */
import type { ToolProfileInput } from "../../domain/catalog-schema.ts";
import { numberFromText, type ProfilePath, textOrMissing } from "./profile.ts";

/** Rows of unit prices and of competitors: the schema allows 8 of each. */
const MAX_ROWS = 8;
/** Empty rows offered below the filled ones, so there is room to add without scripts. */
const SPARE_ROWS = 2;
const MIN_ROWS = 3;

export interface UnitRow {
  label: string;
  usd: string;
  unit: string;
}

export interface CompetitorRow {
  /** A catalog tool picked from the select; "" for none. */
  slug: string;
  /** Free text: a competitor outside the catalog, or the label for a picked one. */
  name: string;
}

/** Every field of the form, as text. */
export interface ToolFormValues {
  slug: string;
  name: string;
  vendor: string;
  category: string;
  bestFor: string;
  description: string;
  homepage: string;
  deployment: string[];
  addedAt: string;
  pricing: {
    model: string;
    entry: string;
    freeTier: boolean;
    license: string;
    units: UnitRow[];
    detail: string;
    asOf: string;
  };
  competitors: CompetitorRow[];
}

/** Pads a list of rows with blanks: a few spare ones, never more than MAX_ROWS in all. */
function withSpareRows<T>(rows: T[], blank: () => T): T[] {
  const count = Math.min(MAX_ROWS, Math.max(MIN_ROWS, rows.length + SPARE_ROWS));
  return [...rows, ...Array.from({ length: Math.max(0, count - rows.length) }, blank)];
}

const blankUnit = (): UnitRow => ({ label: "", usd: "", unit: "" });
const blankCompetitor = (): CompetitorRow => ({ slug: "", name: "" });

/** A new tool's form: empty, added today, prices as of today. */
export function blankFormValues(today: string): ToolFormValues {
  return {
    slug: "",
    name: "",
    vendor: "",
    category: "",
    bestFor: "",
    description: "",
    homepage: "https://",
    deployment: [],
    addedAt: today,
    pricing: {
      model: "",
      entry: "",
      freeTier: false,
      license: "",
      units: withSpareRows([], blankUnit),
      detail: "",
      asOf: today,
    },
    competitors: withSpareRows([], blankCompetitor),
  };
}

/** A stored tool's form. */
export function formValuesFromProfile(p: ToolProfileInput): ToolFormValues {
  return {
    slug: p.slug,
    name: p.name,
    vendor: p.vendor,
    category: p.category,
    bestFor: p.bestFor,
    description: p.description,
    homepage: p.homepage,
    deployment: [...p.deployment],
    addedAt: p.addedAt,
    pricing: {
      model: p.pricing.model,
      entry: p.pricing.entry,
      freeTier: p.pricing.freeTier,
      license: p.pricing.license,
      units: withSpareRows(
        p.pricing.units.map((u) => ({ label: u.label, usd: String(u.usd), unit: u.unit })),
        blankUnit,
      ),
      detail: p.pricing.detail,
      asOf: p.pricing.asOf,
    },
    competitors: withSpareRows(
      p.competitors.map((c) => ({ slug: c.slug ?? "", name: c.name })),
      blankCompetitor,
    ),
  };
}

/** A posted form (parsed with repeated fields as lists) as form values; unknown fields are ignored. */
export function formValuesFromBody(body: Record<string, unknown>): ToolFormValues {
  const all = (key: string): string[] => [body[key]].flat().filter((v): v is string => typeof v === "string");
  const one = (key: string): string => all(key).at(-1) ?? "";
  const rowCount = (prefix: string) => {
    let n = 0;
    for (const key of Object.keys(body)) {
      const m = new RegExp(`^${prefix.replace(".", "\\.")}\\.(\\d)\\.`).exec(key);
      if (m) n = Math.max(n, Number(m[1]) + 1);
    }
    return Math.min(MAX_ROWS, n);
  };
  return {
    slug: one("slug"),
    name: one("name"),
    vendor: one("vendor"),
    category: one("category"),
    bestFor: one("bestFor"),
    description: one("description"),
    homepage: one("homepage"),
    deployment: all("deployment"),
    addedAt: one("addedAt"),
    pricing: {
      model: one("pricing.model"),
      entry: one("pricing.entry"),
      freeTier: one("pricing.freeTier") === "yes",
      license: one("pricing.license"),
      units: Array.from({ length: rowCount("pricing.units") }, (_, i) => ({
        label: one(`pricing.units.${i}.label`),
        usd: one(`pricing.units.${i}.usd`),
        unit: one(`pricing.units.${i}.unit`),
      })),
      detail: one("pricing.detail"),
      asOf: one("pricing.asOf"),
    },
    competitors: Array.from({ length: rowCount("competitors") }, (_, i) => ({
      slug: one(`competitors.${i}.slug`).trim(),
      name: one(`competitors.${i}.name`),
    })),
  };
}

/** A raw profile from form values, and which form row each unit and competitor came from. */
export interface FormDraft {
  raw: unknown;
  unitRows: number[];
  competitorRows: number[];
}

const blank = (s: string) => s.trim() === "";

/**
 * The values as a raw profile for the schema: blank rows dropped, prices read as numbers, a
 * competitor picked without a name named after the catalog tool.
 */
export function draftFromValues(v: ToolFormValues, toolNames: ReadonlyMap<string, string>): FormDraft {
  const unitRows: number[] = [];
  const units = v.pricing.units.flatMap((u, row) => {
    if (blank(u.label) && blank(u.usd) && blank(u.unit)) return [];
    unitRows.push(row);
    return [{ label: u.label, usd: numberFromText(u.usd), unit: u.unit }];
  });
  const competitorRows: number[] = [];
  const competitors = v.competitors.flatMap((c, row) => {
    if (blank(c.slug) && blank(c.name)) return [];
    competitorRows.push(row);
    const slug = c.slug.trim();
    if (!slug) return [{ name: c.name }];
    return [{ name: blank(c.name) ? (toolNames.get(slug) ?? slug) : c.name, slug }];
  });
  return {
    raw: {
      slug: textOrMissing(v.slug),
      name: v.name,
      vendor: v.vendor,
      category: textOrMissing(v.category),
      bestFor: v.bestFor,
      description: v.description,
      homepage: v.homepage.trim(),
      deployment: v.deployment,
      addedAt: textOrMissing(v.addedAt),
      pricing: {
        model: textOrMissing(v.pricing.model),
        entry: v.pricing.entry,
        freeTier: v.pricing.freeTier,
        license: v.pricing.license,
        units,
        detail: v.pricing.detail,
        asOf: textOrMissing(v.pricing.asOf),
      },
      competitors,
    },
    unitRows,
    competitorRows,
  };
}

/** The form field an issue belongs next to: "pricing.units.2.usd", "competitors.0.slug", "deployment". */
export function fieldForPath(
  path: ProfilePath,
  draft: Pick<FormDraft, "unitRows" | "competitorRows">,
): string {
  const [head, second, third, fourth] = path;
  if (head === "pricing" && second === "units") {
    if (typeof third !== "number") return "pricing.units";
    return `pricing.units.${draft.unitRows[third] ?? third}.${String(fourth ?? "label")}`;
  }
  if (head === "competitors") {
    if (typeof second !== "number") return "competitors";
    return `competitors.${draft.competitorRows[second] ?? second}.${third === "slug" ? "slug" : "name"}`;
  }
  if (head === "deployment") return "deployment";
  if (head === "pricing") return `pricing.${String(second ?? "model")}`;
  return String(head ?? "slug");
}
