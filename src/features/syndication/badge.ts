/**
 * Verdict badges, drawn by badge-maker (shields.io's own renderer, so they sit well beside other
 * badges in a README): the usual 20 px "flat" badge and a 28 px "for-the-badge" one. Its SVG
 * already carries role="img", an aria-label and a <title>; nothing is added.
 */
import { makeBadge } from "badge-maker";
import { BADGE_LABEL, type BadgeSize, type BadgeText } from "../../domain/syndication.ts";

/**
 * Colours as hex without "#" (the form shields.io's endpoint format and badge-maker both read).
 * Each is dark enough for white text at 4.5:1 or more, and every badge is opaque, so it reads
 * the same on a light page and a dark one.
 */
export const BADGE_COLORS: Record<BadgeText["tone"] | "label" | "unknown", string> = {
  label: "3d3d3d",
  ship: "2e7d32",
  skip: "b3261e",
  split: "8a5300",
  pending: "5f6368",
  unknown: "5f6368",
};

/** The SVG for a badge's words at a size. */
export function badgeSvg(text: Pick<BadgeText, "label" | "message" | "tone">, size: BadgeSize): string {
  return makeBadge({
    label: text.label,
    message: text.message,
    color: BADGE_COLORS[text.tone],
    labelColor: BADGE_COLORS.label,
    style: size === "large" ? "for-the-badge" : "flat",
  });
}

/** The badge an unknown tool gets (inside someone's <img>, an error page would show as a broken image). */
export function unknownToolBadge(size: BadgeSize): string {
  return makeBadge({
    label: BADGE_LABEL,
    message: "unknown tool",
    color: BADGE_COLORS.unknown,
    labelColor: BADGE_COLORS.label,
    style: size === "large" ? "for-the-badge" : "flat",
  });
}

/** A badge in the shields.io endpoint format (https://shields.io/badges/endpoint-badge). */
export interface EndpointBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  labelColor: string;
}

/** The endpoint-format JSON for a badge's words. */
export function endpointBadge(text: BadgeText): EndpointBadge {
  return {
    schemaVersion: 1,
    label: text.label,
    message: text.message,
    color: BADGE_COLORS[text.tone],
    labelColor: BADGE_COLORS.label,
  };
}
