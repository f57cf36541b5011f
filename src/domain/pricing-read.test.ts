import { describe, expect, it } from "vitest";
import { formatUsd, type Pricing, pricingRead } from "./pricing-read.ts";

const base: Pricing = {
  model: "usage-based",
  entry: "$2.50 / 1M",
  freeTier: false,
  license: "Proprietary",
  units: [],
  detail: "x",
  asOf: "2025-06-01",
};

describe("pricingRead", () => {
  it("compares two free, open tools", () => {
    const a = {
      name: "A",
      pricing: { ...base, model: "open-source" as const, entry: "Free", license: "Apache-2.0" },
    };
    const b = {
      name: "B",
      pricing: { ...base, model: "open-source" as const, entry: "Free", license: "Apache-2.0" },
    };
    const read = pricingRead(a, b);
    expect(read).toContain("Both are open source.");
    expect(read).toContain("Either can be tried without paying.");
    expect(read).toContain("Both are licensed Apache-2.0.");
  });

  it("compares unit prices with the same unit and says how many times dearer", () => {
    const a = { name: "A", pricing: { ...base, units: [{ label: "Input", usd: 0.3, unit: "1M tokens" }] } };
    const b = {
      name: "B",
      pricing: { ...base, freeTier: true, units: [{ label: "Input", usd: 2.5, unit: "1M tokens" }] },
    };
    const read = pricingRead(a, b);
    expect(read).toContain("Input per 1M tokens: A $0.30 against B $2.50 (B costs 8.3× as much).");
    expect(read).toContain("Only B can be tried without paying.");
  });

  it("says neither is free and names differing dates", () => {
    const read = pricingRead(
      { name: "A", pricing: base },
      { name: "B", pricing: { ...base, asOf: "2025-07-01" } },
    );
    expect(read).toContain("Neither has a free way in.");
    expect(read.at(-1)).toContain("2025-06-01 and 2025-07-01");
  });
});

describe("formatUsd", () => {
  it("formats amounts readably", () => {
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(20)).toBe("$20");
    expect(formatUsd(0.3)).toBe("$0.30");
    expect(formatUsd(0.0004)).toBe("$0.0004");
  });
});
