/** Reader-facing names for enum values shown in filters and facts. */
import type { Deployment } from "../domain/catalog-schema.ts";

export const DEPLOYMENT_LABELS: Record<Deployment, string> = {
  "cloud-api": "Cloud API",
  "self-hosted": "Self-hosted",
  "on-device": "On-device",
};

export const VERDICT_FILTER_LABELS = {
  ship: "Ship",
  skip: "Skip",
  split: "Split",
  "in-progress": "Panel in progress",
} as const;

export const SORT_LABELS = {
  score: "Panel score",
  community: "Community vote",
  newest: "Newest",
  name: "Name",
} as const;

/** "2026-03-05" → "5 March 2026". */
export function formatDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** "2026-11-24 09:05": an instant to the minute, as stored (UTC). */
export function formatUtcMinute(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** "1 vote", "1,204 votes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
