/**
 * The models a worker thread keeps loaded, by sha256 (and the runtime,
 * device and threads they were loaded with), so that the parts of a run,
 * and runs of the same model, fetch and load it once. Bounded by the bytes
 * of the models' files (`--model-cache`); the least recently used are
 * disposed first. A model larger than the bound is still loaded, and is then
 * the only one kept. A load that fails is not kept: the next job tries again.
 */
import type { LoadedModel } from "../runtime.js";

/** A model in the cache. */
export interface CachedModel {
  readonly model: LoadedModel;
  /** The model's sha256 (`modelChecksums`) and each file's. */
  readonly sha256: string;
  readonly files: Readonly<Record<string, string>>;
  /** Bytes of its files: what it counts for against the bound. */
  readonly bytes: number;
  /** Why this runtime and device (the manifest's `model.reason`). */
  readonly reason: string;
}

/** See the module comment. */
export class ModelCache {
  private readonly entries = new Map<string, Promise<CachedModel>>();
  private readonly sizes = new Map<string, number>();
  /** Loads, for tests and logs. */
  loads = 0;

  constructor(readonly maxBytes: number) {}

  /** The model under `key`, loaded by `load` when it is not cached. */
  async get(key: string, load: () => Promise<CachedModel>): Promise<CachedModel> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.loads++;
    const loading = load();
    this.entries.set(key, loading);
    let entry: CachedModel;
    try {
      entry = await loading;
    } catch (err) {
      this.entries.delete(key);
      throw err;
    }
    this.sizes.set(key, entry.bytes);
    await this.evict(key);
    return entry;
  }

  /** Keys cached, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Disposes every model. */
  async clear(): Promise<void> {
    for (const key of [...this.entries.keys()]) await this.drop(key);
  }

  private async evict(keep: string): Promise<void> {
    let total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    for (const key of [...this.entries.keys()]) {
      if (total <= this.maxBytes) return;
      if (key === keep || !this.sizes.has(key)) continue;
      total -= this.sizes.get(key)!;
      await this.drop(key);
    }
  }

  private async drop(key: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    this.sizes.delete(key);
    await entry?.then((e) => e.model.dispose()).catch(() => {});
  }
}
