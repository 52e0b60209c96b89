/**
 * `featurewise predict --api <url>`, and `status`/`cancel --api` for
 * prediction ids: the prediction's side of {@link ApiClient}. Answers are
 * turned back into what the Redis path gives (a PredictStatus, a
 * PredictResult), so the output is the same as `predict --redis`'s.
 */
import type { FlagValue } from "@featurewise/core";
import { runFailedError } from "@featurewise/queue/settings";
import type { PredictManifest, PredictResult } from "@featurewise/predict";
import type { PredictStatus } from "@featurewise/predict/cluster/client";
import { absolute, type ApiClient, type RunAnswer } from "./api-client.js";
import { apiClient, type ApiFitFlags } from "./api-fit.js";
import { predictProgressStatus } from "./cluster-progress.js";
import { followRun } from "./follow-run.js";
import { formatPredictSummary, predictSummaryJson } from "./summary.js";

/**
 * The body of `POST /v1/predictions`: `predict`'s flags as given, in
 * camelCase (`{model, stats, out, batchSize: "64", topK: "5", …}`; the
 * server reads them as `predict` does). Every request is built here, so its
 * form is decided in one place. Local locations are made absolute (the
 * workers do not share this process' directory); `stats: false` is
 * `--no-stats`.
 */
export function predictRequestBody(
  source: string,
  flags: Readonly<Record<string, FlagValue>>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { source: absolute(source), ...flags };
  for (const field of ["model", "stats", "out", "labels"]) {
    const value = flags[field];
    if (typeof value === "string") body[field] = absolute(value);
  }
  return body;
}

/** A prediction as `/v1/predictions/{id}` shows it: a run, with its model and reused parts. */
interface PredictionAnswer extends RunAnswer<PredictStatus["state"]> {
  model?: string;
  partsReused?: number;
}

const path = (id: string, tail = ""): string => `/v1/predictions/${encodeURIComponent(id)}${tail}`;

/** Submits a prediction of `source` with `predict`'s flags; returns its id. */
export async function submitPrediction(
  client: ApiClient,
  source: string,
  flags: Readonly<Record<string, FlagValue>>,
): Promise<string> {
  const body = predictRequestBody(source, flags);
  const r = (await client.call("POST", "/v1/predictions", body)) as { id: string };
  return r.id;
}

/** A prediction's record as `status` shows it. @throws FeaturewiseError NOT_FOUND */
export async function predictionStatus(client: ApiClient, id: string): Promise<PredictStatus> {
  const r = (await client.call("GET", path(id))) as PredictionAnswer;
  return {
    predictId: r.id,
    state: r.state,
    source: r.source,
    out: r.out,
    model: r.model ?? "",
    submittedAt: Date.parse(r.submittedAt),
    updatedAt: Date.parse(r.updatedAt),
    partsTotal: r.progress.partsTotal,
    partsDone: r.progress.partsDone,
    partsReused: r.partsReused ?? 0,
    imagesTotal: r.progress.imagesTotal,
    images: r.progress.imagesDone,
    skipped: r.progress.skipped,
    imagesPerSecond: r.progress.imagesPerSecond ?? 0,
    etaSeconds: r.progress.etaSeconds,
    failure: r.failure,
    manifest: r.artifact,
  };
}

/** A succeeded prediction's manifest and output location. */
export async function predictionResult(client: ApiClient, id: string): Promise<PredictResult> {
  const r = (await client.call("GET", path(id, "/artifact"))) as {
    location: string;
    manifest: PredictManifest;
  };
  return { manifest: r.manifest, location: r.location };
}

/**
 * `featurewise predict --api <url>`: submits the prediction to `featurewise
 * serve`, then prints its id (`--detach`) or follows its events with the
 * same progress line and summary as `predict --redis`.
 */
export async function runApiPredict(
  source: string,
  predictFlags: Readonly<Record<string, FlagValue>>,
  flags: ApiFitFlags,
  print: (text: string) => void,
): Promise<void> {
  const client = apiClient(flags.api);
  const predictId = await submitPrediction(client, source, predictFlags);
  process.stderr.write(`featurewise: submitted ${predictId} to ${flags.api}\n`);
  if (flags.detach) {
    print(flags.json ? JSON.stringify({ predictId, state: "queued" }, null, 2) : predictId);
    return;
  }
  const run = { id: predictId, named: predictId, reach: `--api ${flags.api}` };
  const status = await followRun(run, (onProgress) =>
    client.followRun(
      "predictions",
      predictId,
      () => predictionStatus(client, predictId),
      (s) => onProgress({ status: predictProgressStatus(s), connected: true, noWorkers: false }),
    ),
  );
  if (status.state !== "succeeded") throw runFailedError(predictId, status);
  const result = await predictionResult(client, predictId);
  print(
    flags.json
      ? JSON.stringify({ predictId, ...predictSummaryJson(result) }, null, 2)
      : formatPredictSummary(result),
  );
}
