/**
 * The record of a fit in Redis, beside its queues: state, progress and the
 * reason it failed. Workers write it as jobs finish; `fit` (watching),
 * `status` and `cancel` read it. Every update is idempotent (a retried
 * shard is counted once) and a finished fit's record never changes again.
 */
import type { Redis } from "ioredis";
import type { ErrorCode } from "@featurewise/core";
import { RETENTION_SECONDS } from "./cluster-settings.js";

/** Where a fit is. */
export type FitState =
  "queued" | "planning" | "running" | "finalizing" | "succeeded" | "failed" | "cancelled";

/** States a fit never leaves. */
export const FINAL_STATES: readonly FitState[] = ["succeeded", "failed", "cancelled"];

/** Why a fit failed: the first job that failed for good. */
export interface FitFailure {
  readonly code: ErrorCode | null;
  readonly message: string;
  /** The job's id, e.g. `<fitId>-shard-3`. */
  readonly job: string;
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

// KEYS[1] = record; ARGV = new state, then field/value pairs. No change once final.
// Each change is published on the record's key (see FitStateStore.channel).
const SET_STATE = `
local s = redis.call('HGET', KEYS[1], 'state')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], unpack(ARGV, 2))
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1`;

// KEYS[1] = record, KEYS[2] = finished shards; ARGV = shard index, images, skipped, now.
const SHARD_DONE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'shardsDone', 1)
redis.call('HINCRBY', KEYS[1], 'images', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'skipped', ARGV[3])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
return 1`;

/** Reads and updates fit records under one queue prefix. */
export class FitStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Key of a fit's record. */
  key(fitId: string): string {
    return `${this.prefix}:fit:${fitId}`;
  }

  /**
   * The pub/sub channel that hears each change of the fit's state (the new
   * state is the message). Shard counts are not published: read them.
   */
  channel(fitId: string): string {
    return this.key(fitId);
  }

  private shardsKey(fitId: string): string {
    return `${this.key(fitId)}:shards`;
  }

  /** Records a new fit; false when the id is taken. */
  async create(fitId: string, source: string, out: string, submittedAt: number): Promise<boolean> {
    const created = await this.redis.hsetnx(this.key(fitId), "state", "queued");
    if (created === 0) return false;
    await this.redis.hset(this.key(fitId), {
      source,
      out,
      submittedAt: String(submittedAt),
      updatedAt: String(submittedAt),
      shardsDone: "0",
      images: "0",
      skipped: "0",
    });
    return true;
  }

  /** Moves a fit to `state` with extra fields; false when it is already final (or unknown). */
  async setState(
    fitId: string,
    state: FitState,
    fields: Record<string, string | number> = {},
  ): Promise<boolean> {
    const args = Object.entries({ ...fields, updatedAt: Date.now() }).flatMap(([k, v]) => [
      k,
      String(v),
    ]);
    const changed = (await this.redis.eval(SET_STATE, 1, this.key(fitId), state, ...args)) === 1;
    if (changed && FINAL_STATES.includes(state)) await this.expire(fitId, state);
    return changed;
  }

  /** Counts a finished shard once, however often it ran. */
  async recordShard(fitId: string, index: number, images: number, skipped: number): Promise<void> {
    await this.redis.eval(
      SHARD_DONE,
      2,
      this.key(fitId),
      this.shardsKey(fitId),
      String(index),
      String(images),
      String(skipped),
      String(Date.now()),
    );
  }

  /** Fails the fit with its first failure; later ones (siblings, parents) do not replace it. */
  async fail(fitId: string, failure: FitFailure): Promise<boolean> {
    return this.setState(fitId, "failed", { failure: JSON.stringify(failure) });
  }

  /** The fit's record, or null when there is none (never submitted, or expired). */
  async read(fitId: string): Promise<FitStatus | null> {
    const h = await this.redis.hgetall(this.key(fitId));
    if (h["state"] === undefined) return null;
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

  private async expire(fitId: string, state: FitState): Promise<void> {
    const seconds = state === "succeeded" ? RETENTION_SECONDS.completed : RETENTION_SECONDS.failed;
    await this.redis.expire(this.key(fitId), seconds);
    await this.redis.expire(this.shardsKey(fitId), seconds);
  }
}
