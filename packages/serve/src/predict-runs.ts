/**
 * The prediction as a {@link RunKind}: `/v1/predictions`, over the light
 * client of cluster predictions. The request is `predict`'s flags in
 * camelCase, read by core as the command line's are.
 */
import type { PredictOptions } from "@featurewise/core";
import { parsePredictRequest, predictRequestJsonSchema } from "@featurewise/core/options";
import {
  cancelPredict,
  readPredictResult,
  submitPredict,
  type PredictClient,
  type PredictStatus,
} from "@featurewise/predict/cluster/client";
import type { Storage } from "@featurewise/storage";
import { runView, type RunKind, type RunView } from "./run-kind.js";

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

/** A prediction's record as the API shows it, with its model and reused parts. */
function predictView(s: PredictStatus): RunView {
  return {
    ...runView("predict", { ...s, id: s.predictId, artifact: s.manifest }),
    model: s.model,
    partsReused: s.partsReused,
  };
}
