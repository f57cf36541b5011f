import { describe, expect, it } from "vitest";
import { reviewByline, reviewBylineSentence } from "./byline.ts";

describe("reviewByline", () => {
  it("names the panelist, or the model and the panelist who edited its draft", () => {
    expect(reviewByline({ author: "Ada", provenance: "panelist", modelName: null })).toBe("by Ada");
    expect(reviewByline({ author: "Ada", provenance: "model", modelName: "test-model" })).toBe(
      "drafted by test-model, edited by Ada",
    );
    expect(reviewBylineSentence({ author: "Ada", provenance: "model", modelName: "m" })).toBe(
      "Drafted by m, edited by Ada",
    );
  });

  it("reads the starter byline as a group", () => {
    expect(reviewBylineSentence({ author: "Sample panel", provenance: "panelist", modelName: null })).toBe(
      "By the sample panel",
    );
  });
});
