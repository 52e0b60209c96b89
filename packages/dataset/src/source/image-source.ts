import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ObjectInfo } from "@featurewise/storage";
import type { ShardPlanOptions, ShardSpec } from "./shards.js";

/**
 * A listed input: a key under the source and what is known about it before
 * reading; `unreadable` says why a listed entry is not read (see
 * {@link unreadableError}).
 */
export type SourceItem = ObjectInfo;

/**
 * The error of reading an item that the listing marked unreadable (a
 * symlinked folder not followed, a dangling symlink, a fifo): it is never
 * opened, and is skipped with this reason or fails naming it.
 */
export function unreadableError(item: SourceItem): FeaturewiseError | null {
  if (item.unreadable === undefined) return null;
  return new FeaturewiseError(ErrorCodes.DECODE_FAILED, `not read: ${item.unreadable}`);
}

/** One input of a shard after reading: its bytes, or why they could not be read. */
export type ShardEntry =
  | { readonly item: SourceItem; readonly bytes: Uint8Array }
  | { readonly item: SourceItem; readonly error: Error };

/** How a shard is read. */
export interface ReadShardOptions {
  /** Reads in flight ahead of the consumer (objects sources). @defaultValue 8 */
  readonly concurrency?: number;
}

/**
 * A shard opened for reading: its items, in order, and how to read each.
 * Close it when the shard is done ({@link withOpenShard} does).
 */
export interface OpenShard {
  readonly index: number;
  /** "shard-000042". */
  readonly id: string;
  readonly items: readonly SourceItem[];
  /** One item's bytes (for tar shards, from the bytes read when opening). */
  read(key: string): Promise<Uint8Array>;
  /** The local file of an item that is one, so decode workers read it themselves. */
  localPath?(key: string): string | undefined;
  /**
   * The first read failure that must fail the shard rather than skip one
   * image (a connection that stayed broken through every retry), or null.
   */
  failure(): Error | null;
  /** Frees what the shard holds. */
  close(): void;
}

/**
 * Where a fit's images come from: a local folder, an S3 prefix, or
 * WebDataset tar shards. The listing is streamed in byte order of keys;
 * shards are contiguous runs of it (or one tar each) and are described by
 * small {@link ShardSpec}s that can travel in a job.
 */
export interface ImageSource {
  /** The source as the user named it, as a URI. */
  readonly uri: string;
  /** The listed objects (images, or tar files), in byte order of keys, streamed. */
  list(): AsyncIterable<SourceItem>;
  /**
   * The default shard plan of a listing (from {@link list}). It depends only
   * on the listing and the options.
   */
  planShards(
    listing: AsyncIterable<SourceItem>,
    options?: ShardPlanOptions,
  ): AsyncIterable<ShardSpec>;
  /** Streams a shard's inputs with their bytes, in order. */
  readShard(spec: ShardSpec, options?: ReadShardOptions): AsyncIterable<ShardEntry>;
  /** Resolves a shard to its item list and a reader (see {@link OpenShard}). */
  openShard(spec: ShardSpec): Promise<OpenShard>;
  /** One input's bytes, by key. */
  read(key: string): Promise<Uint8Array>;
  /** A printable URI for `key`, for messages. */
  uriOf(key: string): string;
  /** The local file of an input that is one, so decode workers read it themselves. */
  localPath?(key: string): string | undefined;
}
