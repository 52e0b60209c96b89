/**
 * The record of a predict run in Redis: a run record (`@featurewise/queue`'s
 * run-state.ts) with the run's fields: source, output, parts done of total,
 * images and skipped, parts reused from an earlier try. Workers write it as
 * jobs finish; `predict --redis` (watching), `status` and `cancel` read it.
 */
import type { ErrorCode } from "@featurewise/core";
import { RunStateStore, type RunFailure } from "@featurewise/queue/client";

/** Where a predict run is. */
export type PredictState =
  "queued" | "planning" | "running" | "writing" | "succeeded" | "failed" | "cancelled";

/** A predict run's record as `status` shows it. */
export interface PredictStatus {
  readonly predictId: string;
  readonly state: PredictState;
  readonly source: string;
  /** The output folder or prefix. */
  readonly out: string;
  readonly model: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  /** Epoch ms of the last change. */
  readonly updatedAt: number;
  /** Known once planned. */
  readonly partsTotal: number | null;
  readonly partsDone: number;
  /** Parts found whole from an earlier try (`--resume`, or a job that ran again) and kept. */
  readonly partsReused: number;
  /** Images listed; null until planned, and for tar sources. */
  readonly imagesTotal: number | null;
  /** Images of the finished parts (predicted and skipped). */
  readonly images: number;
  readonly skipped: number;
  /** Images of the finished parts per second since submission. */
  readonly imagesPerSecond: number;
  /** Seconds left at that rate; null until the total is known or a part is done. */
  readonly etaSeconds: number | null;
  readonly failure: (RunFailure & { readonly code: ErrorCode | null }) | null;
  /** The manifest's URI once the run succeeded. */
  readonly manifest: string | null;
}

/** Reads and updates predict run records under one queue prefix. */
export class PredictStateStore extends RunStateStore {
  /** Records a new predict run; false when the id is taken. */
  async create(
    predictId: string,
    fields: { source: string; out: string; model: string; submittedAt: number },
  ): Promise<boolean> {
    return this.createRun(predictId, {
      source: fields.source,
      out: fields.out,
      model: fields.model,
      submittedAt: String(fields.submittedAt),
      updatedAt: String(fields.submittedAt),
      partsDone: "0",
      partsReused: "0",
      images: "0",
      skipped: "0",
    });
  }

  /** The run's record, or null when there is none (never submitted, or expired). */
  async read(predictId: string, now: number = Date.now()): Promise<PredictStatus | null> {
    const h = await this.readFields(predictId);
    if (h === null) return null;
    const num = (k: string): number | null =>
      h[k] === undefined || h[k] === "" ? null : Number(h[k]);
    const state = h["state"] as PredictState;
    const submittedAt = num("submittedAt") ?? 0;
    const updatedAt = num("updatedAt") ?? 0;
    const images = num("images") ?? 0;
    const imagesTotal = num("imagesTotal");
    const ended = state === "succeeded" || state === "failed" || state === "cancelled";
    const seconds = ((ended ? updatedAt : now) - submittedAt) / 1000;
    const imagesPerSecond = images / Math.max(seconds, 1e-3);
    return {
      predictId,
      state,
      source: h["source"] ?? "",
      out: h["out"] ?? "",
      model: h["model"] ?? "",
      submittedAt,
      updatedAt,
      partsTotal: num("partsTotal"),
      partsDone: num("partsDone") ?? 0,
      partsReused: num("partsReused") ?? 0,
      imagesTotal,
      images,
      skipped: num("skipped") ?? 0,
      imagesPerSecond,
      etaSeconds:
        ended || imagesTotal === null || images === 0
          ? null
          : Math.max(0, imagesTotal - images) / imagesPerSecond,
      failure: h["failure"] === undefined ? null : (JSON.parse(h["failure"]) as RunFailure),
      manifest: h["manifest"] ?? null,
    };
  }

  /** Moves a run to `state` with extra fields; false when it is already final (or unknown). */
  override async setState(
    predictId: string,
    state: PredictState,
    fields: Record<string, string | number> = {},
  ): Promise<boolean> {
    return super.setState(predictId, state, fields);
  }
}
