/** The pricing read: two tools' structured pricing compared in plain words (docs/product.md). */
import type { PricingModel } from "./catalog-schema.ts";

export interface UnitPrice {
  label: string;
  usd: number;
  unit: string;
}

export interface Pricing {
  model: PricingModel;
  entry: string;
  freeTier: boolean;
  license: string;
  units: UnitPrice[];
  detail: string;
  asOf: string;
}

const MODEL_WORDS: Record<PricingModel, string> = {
  free: "free to use",
  "open-source": "open source",
  freemium: "freemium (a free tier, then paid plans)",
  paid: "a paid product",
  "usage-based": "billed by usage",
  enterprise: "sold on enterprise contracts",
};

const MODEL_NAMES: Record<PricingModel, string> = {
  free: "Free",
  "open-source": "Open source",
  freemium: "Freemium",
  paid: "Paid",
  "usage-based": "Usage-based",
  enterprise: "Enterprise",
};

/** The pricing model's display name, e.g. "Usage-based". */
export function pricingModelName(model: PricingModel): string {
  return MODEL_NAMES[model];
}

/** Formats a dollar amount without trailing noise: $0.3 → "$0.30", $20 → "$20". */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0";
  if (Number.isInteger(usd)) return `$${usd}`;
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}

function ratioWords(cheap: number, dear: number): string {
  const r = dear / cheap;
  return r >= 10 ? `${Math.round(r)}×` : `${(Math.round(r * 10) / 10).toFixed(1)}×`;
}

/** Compares two tools' pricing; each string is one plain sentence. */
export function pricingRead(
  a: { name: string; pricing: Pricing },
  b: { name: string; pricing: Pricing },
): string[] {
  const pa = a.pricing;
  const pb = b.pricing;
  const out: string[] = [];

  if (pa.model === pb.model) {
    out.push(`Both are ${MODEL_WORDS[pa.model]}.`);
  } else {
    out.push(`${a.name} is ${MODEL_WORDS[pa.model]}; ${b.name} is ${MODEL_WORDS[pb.model]}.`);
  }

  const freeA = pa.freeTier || pa.model === "free" || pa.model === "open-source";
  const freeB = pb.freeTier || pb.model === "free" || pb.model === "open-source";
  if (freeA && freeB) out.push("Either can be tried without paying.");
  else if (freeA) out.push(`Only ${a.name} can be tried without paying.`);
  else if (freeB) out.push(`Only ${b.name} can be tried without paying.`);
  else out.push("Neither has a free way in.");

  out.push(`Entry price: ${a.name} ${pa.entry}, ${b.name} ${pb.entry}.`);

  if (pa.license === pb.license) out.push(`Both are licensed ${pa.license}.`);
  else out.push(`Licence: ${a.name} ${pa.license}, ${b.name} ${pb.license}.`);

  for (const ua of pa.units) {
    const ub = pb.units.find(
      (u) =>
        u.unit.toLowerCase() === ua.unit.toLowerCase() && u.label.toLowerCase() === ua.label.toLowerCase(),
    );
    if (!ub) continue;
    const what = `${ua.label} per ${ua.unit}`;
    if (ua.usd === ub.usd) {
      out.push(`${what}: both ${formatUsd(ua.usd)}.`);
    } else {
      const [cheap, dear] = ua.usd < ub.usd ? [a, b] : [b, a];
      const cheapUsd = Math.min(ua.usd, ub.usd);
      const dearUsd = Math.max(ua.usd, ub.usd);
      const ratio = cheapUsd > 0 ? ` (${dear.name} costs ${ratioWords(cheapUsd, dearUsd)} as much)` : "";
      out.push(
        `${what}: ${cheap.name} ${formatUsd(cheapUsd)} against ${dear.name} ${formatUsd(dearUsd)}${ratio}.`,
      );
    }
  }

  const dates = pa.asOf === pb.asOf ? pa.asOf : `${pa.asOf} and ${pb.asOf}`;
  out.push(`Prices as of ${dates}; check the vendor before you commit.`);
  return out;
}
