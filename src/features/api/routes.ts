/** The JSON API's routes: the operations of every feature that has any, and the OpenAPI document. */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../http/deps.ts";
import {
  type ApiOperation,
  type ApiTag,
  type Authorizer,
  type BuiltApi,
  buildApi,
  defineOperation,
} from "./framework.ts";
import { READ_TAGS, readOperations } from "./reads.ts";
import { apiReferenceRoutes } from "./reference.tsx";

/** What the app hands the API beyond its dependencies: other features' operations and the token check. */
export interface ApiRoutesOptions {
  /** Operations declared elsewhere (the token-authorised writes), added after the reads. */
  operations?: readonly ApiOperation[];
  /** Tags those operations use. */
  tags?: readonly ApiTag[];
  authorize?: Authorizer;
}

/** The built API and its reference page. */
export interface ApiRoutes extends BuiltApi {
  /** /api, the human reference: mount at "/". */
  reference: Hono;
}

/** The API, built once per app: mount `app` at API_BASE and `reference` at "/"; `document()` is the OpenAPI document. */
export function apiRoutes(deps: Deps, opts: ApiRoutesOptions = {}): ApiRoutes {
  const openApiOp = defineOperation({
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/openapi.json",
    tag: "Meta",
    summary: "This API's OpenAPI document",
    description:
      "The OpenAPI 3.1 document of every operation, generated from the schemas that validate them.",
    response: z.record(z.string(), z.unknown()).meta({ description: "An OpenAPI 3.1 document." }),
    responseDescription: "The OpenAPI document.",
    example: { path: "/openapi.json" },
    handle: () => built.document() as unknown as Record<string, unknown>,
  });
  const built: BuiltApi = buildApi(deps, {
    operations: [...readOperations(deps), ...(opts.operations ?? []), openApiOp],
    tags: [...READ_TAGS, ...(opts.tags ?? [])],
    authorize: opts.authorize,
  });
  return { ...built, reference: apiReferenceRoutes(deps, built) };
}
