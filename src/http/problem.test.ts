import { describe, expect, it } from "vitest";
import { badRequest, HttpError, notFound } from "./errors.ts";
import {
  invalidParameters,
  isApiPath,
  PROBLEM_TYPES,
  problemJson,
  problemTypeOf,
  unknownSlug,
} from "./problem.ts";

const SITE = "https://ship.example";

describe("problem documents", () => {
  it("types an API error by its status, with the type's fixed title", () => {
    expect(problemJson(notFound("No such tool."), "/api/v1/tools/x", SITE)).toEqual({
      type: "https://ship.example/api#problem-not-found",
      title: "Not found",
      status: 404,
      detail: "No such tool.",
      instance: "/api/v1/tools/x",
    });
    const limited = new HttpError(429, "Too many requests", "Slow down.");
    expect(problemJson(limited, "/api/v1/tools", SITE).type).toBe(
      "https://ship.example/api#problem-rate-limited",
    );
    expect(problemTypeOf(badRequest("Bad address.")).name).toBe("bad-request");
    expect(problemTypeOf(new HttpError(410, "Gone", "Gone for good.")).name).toBe("client-error");
  });

  it("keeps about:blank and the page's title off the API", () => {
    expect(problemJson(notFound("No such page."), "/tools/x", SITE)).toMatchObject({
      type: "about:blank",
      title: "Not found",
    });
    expect(problemJson(badRequest("Bad."), "/api/v1/tools")).toMatchObject({ type: "about:blank" });
  });

  it("lists every bad parameter, and names a lone one in the detail", () => {
    const one = problemJson(
      invalidParameters([{ name: "limit", in: "query", detail: "Too big." }]),
      "/api/v1/tools",
      SITE,
    );
    expect(one).toMatchObject({
      type: "https://ship.example/api#problem-invalid-parameters",
      title: "Invalid parameters",
      detail: 'The "limit" parameter is not valid: Too big.',
      errors: [{ name: "limit", in: "query", detail: "Too big." }],
    });
    const two = invalidParameters([
      { name: "limit", in: "query", detail: "Too big." },
      { name: "text", in: "body", detail: "Empty." },
    ]);
    expect(two.detail).toBe('These parameters are not valid: "limit", "text". See "errors" for each.');
  });

  it("never lets an extension member replace a standard one", () => {
    const sneaky = new HttpError(
      404,
      "Not found",
      "Gone.",
      [],
      {},
      { extensions: { status: 200, type: "x", hint: 1 } },
    );
    expect(problemJson(sneaky, "/api/v1/x", SITE)).toMatchObject({
      status: 404,
      type: `${SITE}/api#problem-not-found`,
      hint: 1,
    });
  });

  it("suggests the closest slugs by slug and name only", () => {
    const err = unknownSlug("No such tool.", [{ slug: "cursor", name: "Cursor", extra: true } as never]);
    expect(problemJson(err, "/api/v1/tools/curzor", SITE).suggestions).toEqual([
      { slug: "cursor", name: "Cursor" },
    ]);
  });

  it("names each problem type once, and knows the API's paths", () => {
    expect(new Set(PROBLEM_TYPES.map((p) => p.name)).size).toBe(PROBLEM_TYPES.length);
    expect(isApiPath("/api/v1/tools")).toBe(true);
    expect(isApiPath("/api")).toBe(false);
    expect(isApiPath("/apiary")).toBe(false);
  });
});
