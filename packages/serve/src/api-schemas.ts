/**
 * JSON Schemas (2020-12) of the API's answers, for the OpenAPI document
 * (openapi.ts) and the contract test that validates every answer against
 * it. Request bodies come from core's zod schemas (a {@link RunKind}'s
 * `requestSchema`); these describe what the server builds.
 */
import { ERROR_TABLE } from "@featurewise/core";

const nullable = (schema: Record<string, unknown>): Record<string, unknown> => ({
  anyOf: [schema, { type: "null" }],
});
const int = { type: "integer", minimum: 0 };
const str = { type: "string" };

export const problemSchema = {
  type: "object",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: str,
    title: str,
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: str,
    code: { enum: [...Object.keys(ERROR_TABLE), "INTERNAL"] },
    instance: str,
  },
  additionalProperties: false,
};

export const linksSchema = {
  type: "object",
  required: ["self", "events", "cancel", "artifact"],
  properties: { self: str, events: str, cancel: str, artifact: str },
  additionalProperties: false,
};

/** Every state a run of any kind can be in (a fit finalizes, a prediction writes). */
export const RUN_STATES: readonly string[] = [
  "queued",
  "planning",
  "running",
  "finalizing",
  "writing",
  "succeeded",
  "failed",
  "cancelled",
];

export const runSchema = {
  type: "object",
  required: [
    "id",
    "kind",
    "state",
    "final",
    "source",
    "out",
    "submittedAt",
    "updatedAt",
    "progress",
    "n",
    "failure",
    "artifact",
    "links",
  ],
  properties: {
    id: str,
    kind: str,
    state: { enum: RUN_STATES },
    final: { type: "boolean" },
    source: str,
    out: str,
    submittedAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    progress: {
      type: "object",
      required: [
        "partsDone",
        "partsTotal",
        "imagesDone",
        "imagesTotal",
        "skipped",
        "imagesPerSecond",
        "etaSeconds",
      ],
      properties: {
        partsDone: int,
        partsTotal: nullable(int),
        imagesDone: int,
        imagesTotal: nullable(int),
        skipped: int,
        imagesPerSecond: nullable({ type: "number", minimum: 0 }),
        etaSeconds: nullable({ type: "number", minimum: 0 }),
      },
      additionalProperties: false,
    },
    n: nullable(int),
    failure: nullable({
      type: "object",
      required: ["code", "message", "job"],
      properties: { code: nullable(str), message: str, job: str },
    }),
    artifact: nullable(str),
    model: { ...str, description: "a prediction's model, as submitted (predictions only)" },
    partsReused: {
      ...int,
      description: "a prediction's parts kept from an earlier try (predictions only)",
    },
    links: { $ref: "#/components/schemas/Links" },
  },
  additionalProperties: false,
};

export const submittedSchema = {
  type: "object",
  required: ["id", "state", "links"],
  properties: { id: str, state: str, links: { $ref: "#/components/schemas/Links" } },
  additionalProperties: false,
};

export const runPageSchema = {
  type: "object",
  required: ["items", "next"],
  properties: {
    items: { type: "array", items: { $ref: "#/components/schemas/Run" } },
    next: nullable(str),
  },
  additionalProperties: false,
};

export const cancelSchema = {
  type: "object",
  required: ["id", "state", "cancelled", "jobsRemoved"],
  properties: {
    id: str,
    state: str,
    cancelled: { type: "boolean" },
    jobsRemoved: { type: "boolean" },
  },
  additionalProperties: false,
};

export const fitResultSchema = {
  type: "object",
  required: ["id", "location", "files", "stats"],
  properties: {
    id: str,
    location: str,
    files: { type: "object", additionalProperties: str },
    stats: { type: "object" },
  },
  additionalProperties: false,
};

export const healthSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { const: "ok" } },
  additionalProperties: false,
};

export const readySchema = {
  type: "object",
  required: ["ready", "checks"],
  properties: {
    ready: { type: "boolean" },
    checks: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["ok"],
        properties: { ok: { type: "boolean" }, detail: str },
      },
    },
  },
  additionalProperties: false,
};
