/**
 * The record of a fit in Redis: a run record (`@featurewise/queue`'s run-state.ts) with the fit's
 * fields: source, artifact location, shards done of total, images and
 * skipped. Workers write it as jobs finish; `fit` (watching), `status` and
 * `cancel` read it.
 */
import type { ErrorCode } from "@featurewise/core";
import {
  FINAL_STATES as RUN_FINAL_STATES,
  RunStateStore,
  type RunFailure,
} from "@featurewise/queue/client";

/** Where a fit is. */
export type FitState =
  "queued" | "planning" | "running" | "finalizing" | "succeeded" | "failed" | "cancelled";

/** States a fit never leaves. */
export const FINAL_STATES = RUN_FINAL_STATES as readonly FitState[];

/** Why a fit failed: the first job that failed for good. */
export interface FitFailure extends RunFailure {
  readonly code: ErrorCode | null;
}

/** A fit's record as `status` shows it. */
export interface FitStatus {
  readonly fitId: string;
  readonly state: FitState;
  readonly source: string;
  readonly out: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  /** Epoch ms of the last change. */
  readonly updatedAt: number;
  /** Known once planned. */
  readonly shardsTotal: number | null;
  readonly shardsDone: number;
  /** Images listed; null until planned, and for tar sources. */
  readonly imagesTotal: number | null;
  /** Images of the finished shards (used and skipped). */
  readonly images: number;
  readonly skipped: number;
  readonly failure: FitFailure | null;
  /** The artifact's URI once the fit succeeded. */
  readonly artifact: string | null;
}

/** Reads and updates fit records under one queue prefix. */
export class FitStateStore extends RunStateStore {
  /** Records a new fit; false when the id is taken. */
  async create(fitId: string, source: string, out: string, submittedAt: number): Promise<boolean> {
    return this.createRun(fitId, {
      source,
      out,
      submittedAt: String(submittedAt),
      updatedAt: String(submittedAt),
      shardsDone: "0",
      images: "0",
      skipped: "0",
    });
  }

  /** Counts a finished shard once, however often it ran. */
  async recordShard(fitId: string, index: number, images: number, skipped: number): Promise<void> {
    await this.recordPart(fitId, index, { shardsDone: 1, images, skipped });
  }

  /** The fit's record, or null when there is none (never submitted, or expired). */
  async read(fitId: string): Promise<FitStatus | null> {
    const h = await this.readFields(fitId);
    if (h === null) return null;
    const num = (k: string): number | null =>
      h[k] === undefined || h[k] === "" ? null : Number(h[k]);
    return {
      fitId,
      state: h["state"] as FitState,
      source: h["source"] ?? "",
      out: h["out"] ?? "",
      submittedAt: num("submittedAt") ?? 0,
      updatedAt: num("updatedAt") ?? 0,
      shardsTotal: num("shardsTotal"),
      shardsDone: num("shardsDone") ?? 0,
      imagesTotal: num("imagesTotal"),
      images: num("images") ?? 0,
      skipped: num("skipped") ?? 0,
      failure: h["failure"] === undefined ? null : (JSON.parse(h["failure"]) as FitFailure),
      artifact: h["artifact"] ?? null,
    };
  }

  /** Moves a fit to `state` with extra fields; false when it is already final (or unknown). */
  override async setState(
    fitId: string,
    state: FitState,
    fields: Record<string, string | number> = {},
  ): Promise<boolean> {
    return super.setState(fitId, state, fields);
  }
}
