import { describe, expect, it } from "vitest";
import { BADGE_COLORS, badgeSvg } from "./badge.ts";

/** WCAG relative luminance of a six-digit hex colour. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe("badge colours", () => {
  it("keep white text at 4.5:1 or better on every background, so a badge reads on any page", () => {
    for (const [tone, hex] of Object.entries(BADGE_COLORS)) {
      expect(contrastWithWhite(hex), tone).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("are the ones drawn, with white text", () => {
    const svg = badgeSvg({ label: "ship or skip", message: "skip · 41", tone: "skip" }, "small");
    expect(svg).toContain(`fill="#${BADGE_COLORS.skip}"`);
    expect(svg).toContain(`fill="#${BADGE_COLORS.label}"`);
    expect(svg).toContain('fill="#fff"');
  });
});
