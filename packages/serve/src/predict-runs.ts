/**
 * The prediction as a {@link RunKind}: `/v1/predictions`, over the light
 * client of cluster predictions. The request is the job payload's schema
 * (`predictOptionsSchema`) with {@link PREDICT_DEFAULTS} filled in for the
 * fields left out; its JSON Schema is generated from the same zod schema.
 */
import { z } from "zod";
import {
  ErrorCodes,
  FeaturewiseError,
  PREDICT_DEFAULTS,
  type PredictOptions,
} from "@featurewise/core";
import { invalidOptions, predictOptionsSchema } from "@featurewise/core/options";
import {
  cancelPredict,
  readPredictResult,
  submitPredict,
  type PredictClient,
  type PredictStatus,
} from "@featurewise/predict/cluster/client";
import { FINAL_STATES } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import { progressOf, type RunKind, type RunView } from "./run-kind.js";

/** Fields a request must give; every other one has a default. */
const REQUIRED = ["source", "model", "out"];

/** The JSON Schema of a prediction request: the payload's, with defaults and only {@link REQUIRED} required. */
function predictRequestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(predictOptionsSchema, { io: "input" }) as {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  for (const [name, value] of Object.entries(PREDICT_DEFAULTS)) {
    const property = schema.properties[name];
    if (property !== undefined) property["default"] = value;
  }
  schema.required = REQUIRED;
  return schema as unknown as Record<string, unknown>;
}

/** Validates a prediction request, defaults filled in. @throws FeaturewiseError INVALID_ARGUMENT */
function parsePredictRequest(body: unknown): PredictOptions {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      "malformed prediction request: expected a JSON object",
    );
  const given = body as Record<string, unknown>;
  const decode =
    typeof given["decode"] === "object" && given["decode"] !== null ? given["decode"] : {};
  const result = predictOptionsSchema.safeParse({
    ...PREDICT_DEFAULTS,
    ...given,
    decode: { ...PREDICT_DEFAULTS.decode, ...decode },
  });
  if (!result.success) throw invalidOptions("prediction request", result.error);
  return result.data;
}

/** The result of a succeeded prediction: its manifest and where its parts are. */
export const predictionResultSchema = {
  type: "object",
  required: ["id", "location", "manifest"],
  properties: {
    id: { type: "string" },
    location: { type: "string" },
    manifest: { type: "object" },
  },
  additionalProperties: false,
};

/** The prediction's run kind on `client`, reading manifests through `storage`. */
export function predictRuns(client: PredictClient, storage: Storage): RunKind<PredictOptions> {
  return {
    kind: "predict",
    path: "predictions",
    title: "Prediction",
    requestSchema: predictRequestJsonSchema(),
    resultSchema: predictionResultSchema,
    parse: parsePredictRequest,
    locations: (o) => ({
      source: o.source,
      model: o.model,
      out: o.out,
      ...(o.stats === null ? {} : { stats: o.stats }),
      ...(o.labels === null ? {} : { labels: o.labels }),
    }),
    withLocations: (o, checked) => ({
      ...o,
      source: checked["source"] ?? o.source,
      model: checked["model"] ?? o.model,
      out: checked["out"] ?? o.out,
      stats: o.stats === null ? null : (checked["stats"] ?? o.stats),
      labels: o.labels === null ? null : (checked["labels"] ?? o.labels),
    }),
    submit: (options) => submitPredict(client, options),
    async read(id) {
      if (!id.startsWith("predict-")) return null;
      const status = await client.predictions.read(id);
      return status === null ? null : predictView(status);
    },
    async cancel(id) {
      const r = await cancelPredict(client, id);
      return { id, state: r.state, cancelled: r.cancelled, jobsRemoved: r.jobsRemoved };
    },
    events: (id, afterId) => client.runs.events(id, afterId),
    list: (count, afterId) => client.runs.listIds("predict", count, afterId),
    async result(view) {
      const { manifest, location } = await readPredictResult(storage, view.out);
      return { id: view.id, location, manifest };
    },
  };
}

function predictView(s: PredictStatus): RunView {
  const final = FINAL_STATES.includes(s.state);
  return {
    id: s.predictId,
    kind: "predict",
    state: s.state,
    final,
    source: s.source,
    out: s.out,
    submittedAt: new Date(s.submittedAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    progress: progressOf({
      partsDone: s.partsDone,
      partsTotal: s.partsTotal,
      imagesDone: s.images,
      imagesTotal: s.imagesTotal,
      skipped: s.skipped,
      submittedAt: s.submittedAt,
      updatedAt: s.updatedAt,
      final,
    }),
    n: s.state === "succeeded" ? s.images - s.skipped : null,
    failure: s.failure,
    artifact: s.manifest,
  };
}
