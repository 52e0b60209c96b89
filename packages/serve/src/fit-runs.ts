/** The fit as a {@link RunKind}: `/v1/fits`, over the light cluster client. */
import { ARTIFACT_FILES, type FitOptions } from "@featurewise/core";
import { fitRequestJsonSchema, parseFitRequest } from "@featurewise/core/options";
import {
  cancelFit,
  readFitResult,
  submitFit,
  type FitClient,
  type FitStatus,
} from "@featurewise/fit/cluster/client";
import type { Storage } from "@featurewise/storage";
import { fitResultSchema } from "./api-schemas.js";
import { runView, type RunKind, type RunView } from "./run-kind.js";

/** The fit's run kind on `client`, reading artifacts through `storage`. */
export function fitRuns(client: FitClient, storage: Storage): RunKind<FitOptions> {
  return {
    kind: "fit",
    path: "fits",
    title: "Fit",
    requestSchema: fitRequestJsonSchema(),
    resultSchema: fitResultSchema,
    parse: parseFitRequest,
    locations: (o) => ({ source: o.source, out: o.out }),
    withLocations: (o, checked) => ({
      ...o,
      source: checked["source"] ?? o.source,
      out: checked["out"] ?? o.out,
    }),
    submit: (options) => submitFit(client, options),
    async read(id) {
      if (!id.startsWith("fit-")) return null;
      const status = await client.fits.read(id);
      return status === null ? null : fitView(status);
    },
    async cancel(id) {
      const r = await cancelFit(client, id);
      return { id, ...r };
    },
    events: (id, afterId) => client.runs.events(id, afterId),
    list: (count, afterId) => client.runs.listIds("fit", count, afterId),
    async result(view) {
      const { stats, location } = await readFitResult(storage, view.artifact ?? "");
      const store = storage.open(location);
      const files: Record<string, string> = { stats: store.uriOf(ARTIFACT_FILES.stats) };
      for (const [role, name] of Object.entries(stats.files)) {
        if (typeof name === "string") files[role] = store.uriOf(name);
      }
      return { id: view.id, location, files, stats };
    },
  };
}

/** A fit's record as the API shows it (its shards are the run's parts). */
function fitView(s: FitStatus): RunView {
  return runView("fit", { ...s, id: s.fitId, partsDone: s.shardsDone, partsTotal: s.shardsTotal });
}
