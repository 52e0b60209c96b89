/**
 * The record of a run in Redis, beside its queues: state, counters of the
 * parts done, the reason it failed. A run is anything submitted as one
 * (a fit; later a predict run); its id starts with its kind (`fit-…`,
 * `predict-…`), and the record lives at `<prefix>:<kind>:<id>`. Workers
 * write it as jobs finish; submitters and `status` read it. Every update is
 * idempotent (a retried part is counted once) and a finished run's record
 * never changes again.
 */
import type { Redis } from "ioredis";
import type { ErrorCode } from "@featurewise/core";
import { RETENTION_SECONDS } from "./cluster-settings.js";

/** Where a run is; the kinds of runs add states between "queued" and the final ones. */
export type RunState = string;

/** States a run never leaves. */
export const FINAL_STATES: readonly string[] = ["succeeded", "failed", "cancelled"];

/** Why a run failed: the first job that failed for good. */
export interface RunFailure {
  readonly code: ErrorCode | null;
  readonly message: string;
  /** The job's id, e.g. `<fitId>-shard-3`. */
  readonly job: string;
}

/**
 * Most entries a run's event log keeps. It holds only changes of state (a
 * handful per run), so the cap is a guard: a reader that resumes after an
 * entry never misses one.
 */
export const RUN_EVENTS_CAP = 64;

// KEYS[1] = record, KEYS[2] = its event log; ARGV = new state, then field/value pairs.
// No change once final. Each call is published on the record's key (see
// RunStateStore.channel); a change of state is also appended to the event log
// (see RunStateStore.events). Setting the same state again with other fields
// (predict's plan marks its output prepared while "planning"; a retried job)
// is not a change: logged, it would show a client "planning" twice.
const SET_STATE = `
local s = redis.call('HGET', KEYS[1], 'state')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], unpack(ARGV, 2))
if s ~= ARGV[1] then
  redis.call('XADD', KEYS[2], 'MAXLEN', ${RUN_EVENTS_CAP}, '*', 'state', ARGV[1], unpack(ARGV, 2))
end
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1`;

// KEYS[1] = record, KEYS[2] = its event log, KEYS[3] = the kind's index; ARGV = id, then
// field/value pairs (submittedAt among them). False when the id is taken.
const CREATE = `
if redis.call('HSETNX', KEYS[1], 'state', 'queued') == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('XADD', KEYS[2], 'MAXLEN', ${RUN_EVENTS_CAP}, '*', 'state', 'queued', unpack(ARGV, 2))
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1`;

/** One entry of a run's event log: a change of state, with the fields set with it. */
export interface RunEvent {
  /** The log's entry id (`<ms>-<seq>`), increasing: a reader resumes after it. */
  readonly id: string;
  readonly state: RunState;
  /** The fields set with the change (updatedAt, failure, artifact...). */
  readonly fields: Readonly<Record<string, string>>;
}

// KEYS[1] = record, KEYS[2] = parts done; ARGV = part index, now, then counter/increment pairs.
const PART_DONE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
return 1`;

/** The kind of a run id: what comes before its first '-' (`fit` for `fit-20260101-…`). */
export function runKind(runId: string): string {
  const dash = runId.indexOf("-");
  return dash > 0 ? runId.slice(0, dash) : "run";
}

/** Reads and updates run records under one queue prefix. */
export class RunStateStore {
  constructor(
    protected readonly redis: Redis,
    protected readonly prefix: string,
  ) {}

  /** Key of a run's record. */
  key(runId: string): string {
    return `${this.prefix}:${runKind(runId)}:${runId}`;
  }

  /**
   * The pub/sub channel that hears each change of the run's state (the new
   * state is the message). Counters are not published: read them.
   */
  channel(runId: string): string {
    return this.key(runId);
  }

  /** Key of the run's event log (a Redis stream of its changes of state, oldest first). */
  eventsKey(runId: string): string {
    return `${this.key(runId)}:events`;
  }

  /**
   * Key of the index of a kind's runs (a sorted set of their ids, all of
   * score 0, so in the ids' byte order: the order they were submitted in,
   * to the second). Entries outlive expired records; readers drop those.
   */
  indexKey(kind: string): string {
    return `${this.prefix}:${kind}:index`;
  }

  /** Key of the hash of parts done (index → time), which makes counting idempotent. */
  protected partsKey(runId: string): string {
    return `${this.key(runId)}:parts`;
  }

  /** Records a new run in state "queued" with `fields`; false when the id is taken. */
  async createRun(runId: string, fields: Record<string, string>): Promise<boolean> {
    const keys = [this.key(runId), this.eventsKey(runId), this.indexKey(runKind(runId))];
    const args = [runId, ...Object.entries(fields).flat()];
    return (await this.redis.eval(CREATE, keys.length, ...keys, ...args)) === 1;
  }

  /** The run's changes of state after entry `afterId` (all of them without one), oldest first. */
  async events(runId: string, afterId?: string): Promise<RunEvent[]> {
    const start = afterId === undefined ? "-" : `(${afterId}`;
    const entries = await this.redis.xrange(this.eventsKey(runId), start, "+");
    return entries.map(([id, flat]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      const { state = "", ...rest } = fields;
      return { id, state, fields: rest };
    });
  }

  /**
   * A page of a kind's run ids, newest first, after `afterId` (from the
   * newest without one): at most `count` ids read from the index, less those
   * whose record has expired (dropped from the index as they are met).
   * `next` is the id to page on from, null at the end.
   */
  async listIds(
    kind: string,
    count: number,
    afterId?: string,
  ): Promise<{ ids: string[]; next: string | null }> {
    const max = afterId === undefined ? "+" : `(${afterId}`;
    const read = await this.redis.zrevrangebylex(this.indexKey(kind), max, "-", "LIMIT", 0, count);
    const exists = await Promise.all(read.map((id) => this.redis.exists(this.key(id))));
    const gone = read.filter((_, i) => exists[i] === 0);
    if (gone.length > 0) await this.redis.zrem(this.indexKey(kind), ...gone);
    const next = read.length === count ? (read[read.length - 1] ?? null) : null;
    return { ids: read.filter((_, i) => exists[i] === 1), next };
  }

  /** Moves a run to `state` with extra fields; false when it is already final (or unknown). */
  async setState(
    runId: string,
    state: RunState,
    fields: Record<string, string | number> = {},
  ): Promise<boolean> {
    const args = Object.entries({ ...fields, updatedAt: Date.now() }).flatMap(([k, v]) => [
      k,
      String(v),
    ]);
    const keys = [this.key(runId), this.eventsKey(runId)];
    const changed = (await this.redis.eval(SET_STATE, 2, ...keys, state, ...args)) === 1;
    if (changed && FINAL_STATES.includes(state)) await this.expire(runId, state);
    return changed;
  }

  /** Counts part `index` of a run once, however often it ran: adds `counters` to the record's fields. */
  async recordPart(runId: string, index: number, counters: Record<string, number>): Promise<void> {
    await this.redis.eval(
      PART_DONE,
      2,
      this.key(runId),
      this.partsKey(runId),
      String(index),
      String(Date.now()),
      ...Object.entries(counters).flatMap(([k, v]) => [k, String(v)]),
    );
  }

  /** Fails the run with its first failure; later ones (siblings, parents) do not replace it. */
  async fail(runId: string, failure: RunFailure): Promise<boolean> {
    return this.setState(runId, "failed", { failure: JSON.stringify(failure) });
  }

  /** The run's record as stored, or null when there is none (never submitted, or expired). */
  async readFields(runId: string): Promise<Record<string, string> | null> {
    const h = await this.redis.hgetall(this.key(runId));
    return h["state"] === undefined ? null : h;
  }

  private async expire(runId: string, state: RunState): Promise<void> {
    const seconds = state === "succeeded" ? RETENTION_SECONDS.completed : RETENTION_SECONDS.failed;
    await this.redis.expire(this.key(runId), seconds);
    await this.redis.expire(this.partsKey(runId), seconds);
    await this.redis.expire(this.eventsKey(runId), seconds);
  }
}
