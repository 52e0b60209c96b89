import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";
import {
  unreadableError,
  type ImageSource,
  type OpenShard,
  type ReadShardOptions,
  type ShardEntry,
  type SourceItem,
} from "./image-source.js";
import { readAhead } from "./read-ahead.js";
import { ShardReader } from "./shard-reader.js";
import {
  planRangeShards,
  type RangeShardSpec,
  type ShardPlanOptions,
  type ShardSpec,
} from "./shards.js";

/**
 * Every object under a store's root (a local folder, recursively, or an S3
 * prefix), in byte order of keys; one object is one image. Shards are
 * contiguous key ranges that carry their items, so reading one never lists
 * the source again (a spec without items is re-listed from its
 * `startAfter` key). A file removed since the plan was made fails to read:
 * it is skipped with the reason, or fails the fit under `--on-error fail`.
 */
export class StoreSource implements ImageSource {
  readonly uri: string;

  /** @param uri - the source as named, for messages @defaultValue the store's root */
  constructor(
    protected readonly store: ObjectStore,
    uri: string = store.root,
  ) {
    this.uri = uri;
  }

  list(): AsyncIterable<SourceItem> {
    return this.store.list();
  }

  planShards(
    listing: AsyncIterable<SourceItem>,
    options?: ShardPlanOptions,
  ): AsyncIterable<ShardSpec> {
    return planRangeShards(listing, options);
  }

  readShard(spec: ShardSpec, options: ReadShardOptions = {}): AsyncIterable<ShardEntry> {
    return readAhead(
      this.rangeItems(this.asRange(spec)),
      (item) => {
        const unreadable = unreadableError(item);
        return unreadable === null ? this.read(item.key) : Promise.reject(unreadable);
      },
      options.concurrency ?? 8,
    );
  }

  async openShard(spec: ShardSpec): Promise<OpenShard> {
    const range = this.asRange(spec);
    const items: SourceItem[] = [];
    for await (const item of this.rangeItems(range)) items.push(item);
    return new ShardReader(
      { index: spec.index, id: spec.id, items },
      (key) => this.read(key),
      (key) => this.localPath(key),
    );
  }

  read(key: string): Promise<Uint8Array> {
    return this.store.get(key);
  }

  uriOf(key: string): string {
    return this.store.uriOf(key);
  }

  localPath(key: string): string | undefined {
    return this.store.localPath?.(key);
  }

  /**
   * The shard's items: those it carries, else re-listed (failing when the
   * source changed since the plan was made).
   */
  private async *rangeItems(spec: RangeShardSpec): AsyncIterable<SourceItem> {
    if (spec.items !== undefined) {
      const last = spec.items.at(-1)?.key ?? null;
      if (spec.items.length !== spec.count || last !== spec.lastKey) {
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          `${this.uri}: ${spec.id} should carry ${spec.count} items ending at ${JSON.stringify(spec.lastKey)}, ` +
            `but carries ${spec.items.length} ending at ${JSON.stringify(last)}`,
        );
      }
      yield* spec.items;
      return;
    }
    let count = 0;
    let last: string | null = null;
    const listing = this.store.list("", {
      limit: spec.count,
      ...(spec.startAfter === null ? {} : { startAfter: spec.startAfter }),
    });
    for await (const item of listing) {
      count++;
      last = item.key;
      yield item;
      if (count === spec.count) break;
    }
    if (count !== spec.count || last !== spec.lastKey) {
      throw new FeaturewiseError(
        ErrorCodes.IO_ERROR,
        `${this.uri}: ${spec.id} should hold ${spec.count} objects ending at ${JSON.stringify(spec.lastKey)}, ` +
          `but the listing now gives ${count} ending at ${JSON.stringify(last)}; the source changed since the fit was planned`,
      );
    }
  }

  private asRange(spec: ShardSpec): RangeShardSpec {
    if (spec.kind !== "range") {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.uri}: ${spec.id} is a ${spec.kind} shard, but this source is an object listing`,
      );
    }
    return spec;
  }
}
