/** The OpenAPI 3.1 document, built from the route table and the schemas. */
import { FEATUREWISE_VERSION } from "@featurewise/core";
import {
  cancelSchema,
  healthSchema,
  linksSchema,
  problemSchema,
  readySchema,
  runPageSchema,
  runSchema,
  submittedSchema,
} from "./api-schemas.js";
import type { RouteResponse, RouteSpec } from "./route-table.js";

/** Schemas by component name; each run kind adds its request and result (`FitRequest`, `FitResult`). */
export function componentSchemas(
  requests: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const own: Record<string, Record<string, unknown>> = {
    Problem: problemSchema,
    Links: linksSchema,
    Run: runSchema,
    Submitted: submittedSchema,
    RunPage: runPageSchema,
    Cancel: cancelSchema,
    Health: healthSchema,
    Ready: readySchema,
  };
  const out = { ...own };
  for (const [name, schema] of Object.entries(requests)) {
    // zod's document names its dialect; inside OpenAPI 3.1 the document's own (2020-12) applies.
    const rest = { ...schema };
    delete rest["$schema"];
    out[name] = rest;
  }
  return out;
}

function schemaRef(schema: string | Record<string, unknown>): Record<string, unknown> {
  return typeof schema === "string" ? { $ref: `#/components/schemas/${schema}` } : schema;
}

function responseObject(status: number, r: RouteResponse): Record<string, unknown> {
  const type = r.contentType ?? (status >= 400 ? "application/problem+json" : "application/json");
  return {
    description: r.description,
    ...(r.schema === undefined && r.contentType === undefined
      ? {}
      : { content: { [type]: r.schema === undefined ? {} : { schema: schemaRef(r.schema) } } }),
  };
}

/** The document for `routes`. */
export function openApiDocument(
  routes: readonly RouteSpec[],
  requests: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.hidden === true) continue;
    const url = r.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const params = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    for (const [name, q] of Object.entries(r.query ?? {}))
      params.push({
        name,
        in: "query",
        required: false,
        schema: q.schema,
        description: q.description,
      } as never);
    for (const [name, h] of Object.entries(r.headers ?? {}))
      params.push({
        name,
        in: "header",
        required: false,
        schema: h.schema,
        description: h.description,
      } as never);
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses))
      responses[status] = responseObject(Number(status), resp);
    paths[url] ??= {};
    paths[url][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${url
        .replace(/[{}]/g, "")
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, "")}`,
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaRef(r.body) } },
            },
          }),
      responses,
      ...(r.scope === undefined
        ? { security: [] }
        : { security: [{ bearer: [] }], "x-scope": r.scope }),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "featurewise API",
      version: FEATUREWISE_VERSION,
      description:
        "Submit Keras-exact featurewise fits to a featurewise cluster, follow them and fetch their artifacts. " +
        "Errors are application/problem+json (RFC 9457) with featurewise's stable codes.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: componentSchemas(requests),
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}
