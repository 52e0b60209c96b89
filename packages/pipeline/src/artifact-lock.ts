import { randomUUID } from "node:crypto";
import { rmdir } from "node:fs/promises";
import { hostname } from "node:os";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";

/** Where an artifact's lock lives, relative to the artifact's location. */
export const ARTIFACT_LOCK_KEY = ".featurewise/lock.json";

/** How an artifact lock is held. */
export interface ArtifactLockOptions {
  /** How often the holder renews the lock's `heartbeatAt`. @defaultValue 10000 */
  readonly heartbeatMs?: number;
  /**
   * A lock whose heartbeat is older than this is taken to be left by a
   * crashed writer and replaced. A lock of a process on this host that is
   * no longer alive is replaced at once. @defaultValue 60000
   */
  readonly staleMs?: number;
  /**
   * Replaces a lock held under this same holder name at once, however fresh:
   * for a job whose queue never runs two attempts at a time (a cluster's
   * finalize job), whose lock can only be left by an earlier, crashed attempt.
   * @defaultValue false
   */
  readonly reclaimOwn?: boolean;
}

/** The contents of the lock object. */
interface LockRecord {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** What holds it ("fit", "finalize fit-…"), for the message of whoever is refused. */
  readonly holder: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
}

/**
 * An exclusive claim on an artifact's location, so that two fits never
 * write the same artifact at once. Taken before any image is read; renewed
 * by a heartbeat; released at the end (a crashed holder's lock goes stale).
 */
export class ArtifactLock {
  private timer: NodeJS.Timeout | null = null;
  private lostTo: string | null = null;

  private constructor(
    private readonly store: ObjectStore,
    private record: LockRecord,
  ) {}

  /**
   * Takes the lock of the artifact at `store`, writing `.featurewise/lock.json`.
   * Writing it is also the first write to the location, so a location that
   * cannot be written fails here, before any work.
   * @param holder - what takes it, for messages ("fit", "finalize fit-…")
   * @throws FeaturewiseError OUTPUT_IN_USE when another writer holds a fresh lock
   */
  static async acquire(
    store: ObjectStore,
    holder: string,
    options: ArtifactLockOptions = {},
  ): Promise<ArtifactLock> {
    const heartbeatMs = options.heartbeatMs ?? 10_000;
    const staleMs = options.staleMs ?? 60_000;
    for (let attempt = 0; attempt < 3; attempt++) {
      // Looked at first: a server that ignores If-None-Match would let the put below overwrite it.
      const there = await readLock(store);
      if (there !== null) {
        const own = options.reclaimOwn === true && there.holder === holder;
        if (!own && !isStale(there, staleMs)) throw inUse(store, there);
        // Left by a crashed writer (or unreadable): remove it and try again.
        await store.delete(ARTIFACT_LOCK_KEY);
      }
      const now = new Date().toISOString();
      const mine: LockRecord = {
        token: randomUUID(),
        pid: process.pid,
        host: hostname(),
        holder,
        startedAt: now,
        heartbeatAt: now,
      };
      if (!(await store.putIfAbsent(ARTIFACT_LOCK_KEY, encode(mine)))) continue; // taken meanwhile
      // Where the condition is ignored, the last of two racing writers wins: confirm it is us.
      const confirmed = await readLock(store);
      if (confirmed?.token === mine.token) {
        const lock = new ArtifactLock(store, mine);
        lock.startHeartbeat(heartbeatMs);
        return lock;
      }
      if (confirmed !== null) throw inUse(store, confirmed);
    }
    throw new FeaturewiseError(
      ErrorCodes.OUTPUT_IN_USE,
      `could not lock ${store.uriOf(ARTIFACT_LOCK_KEY)}: other writers kept taking it`,
    );
  }

  /**
   * Throws when the lock was lost (a heartbeat found another writer's lock:
   * this one had been taken for stale). Called before the artifact is written.
   */
  check(): void {
    if (this.lostTo !== null) {
      throw new FeaturewiseError(
        ErrorCodes.OUTPUT_IN_USE,
        `${this.store.root}: lost its lock to ${this.lostTo}; the artifact was not written`,
      );
    }
  }

  /** Stops the heartbeat and removes the lock if it is still this one. */
  async release(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const there = await readLock(this.store).catch(() => null);
    if (there?.token !== this.record.token) return;
    await this.store.delete(ARTIFACT_LOCK_KEY);
    // A local folder keeps no empty `.featurewise/` behind (it fails harmlessly when not empty).
    const folder = this.store.localPath?.(".featurewise");
    if (folder !== undefined) await rmdir(folder).catch(() => {});
  }

  private startHeartbeat(ms: number): void {
    this.timer = setInterval(() => void this.beat(), ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const there = await readLock(this.store);
      if (there !== null && there.token !== this.record.token) {
        this.lostTo = describe(there);
        if (this.timer !== null) clearInterval(this.timer);
        return;
      }
      this.record = { ...this.record, heartbeatAt: new Date().toISOString() };
      await this.store.put(ARTIFACT_LOCK_KEY, encode(this.record));
    } catch {
      // A missed heartbeat is retried at the next one; the lock goes stale only after several.
    }
  }
}

function encode(record: LockRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record) + "\n");
}

async function readLock(store: ObjectStore): Promise<LockRecord | null> {
  if ((await store.head(ARTIFACT_LOCK_KEY)) === null) return null;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(ARTIFACT_LOCK_KEY);
  } catch {
    return null; // removed between head and get
  }
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LockRecord>;
    if (typeof r.token === "string" && typeof r.heartbeatAt === "string") return r as LockRecord;
  } catch {
    // unreadable: treated as stale below
  }
  return { token: "", pid: 0, host: "", holder: "?", startedAt: "", heartbeatAt: "" };
}

function isStale(lock: LockRecord, staleMs: number): boolean {
  const beat = Date.parse(lock.heartbeatAt);
  if (!Number.isFinite(beat) || Date.now() - beat > staleMs) return true;
  return lock.host === hostname() && !isAlive(lock.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describe(lock: LockRecord): string {
  return `${lock.holder} (pid ${lock.pid} on ${lock.host}, since ${lock.startedAt})`;
}

function inUse(store: ObjectStore, lock: LockRecord): FeaturewiseError {
  const ago = Math.round((Date.now() - Date.parse(lock.heartbeatAt)) / 1000);
  return new FeaturewiseError(
    ErrorCodes.OUTPUT_IN_USE,
    `${store.root} is being written by another ${describe(lock)}, last seen ${ago} s ago; ` +
      `wait for it to end, or remove ${store.uriOf(ARTIFACT_LOCK_KEY)} if it is gone`,
  );
}
