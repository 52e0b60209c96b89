import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import { compareKeys, type ObjectStore } from "@featurewise/storage";
import type { ImageSource, OpenShard, ShardEntry, SourceItem } from "./image-source.js";
import { ShardReader } from "./shard-reader.js";
import { shardId, type ShardSpec, type TarShardSpec } from "./shards.js";
import { DEFAULT_MAX_IMAGE_BYTES, type TarReadOptions } from "./tar-reader.js";
import { readWebDatasetSamples } from "./webdataset.js";

/**
 * WebDataset tar shards named by a list of keys under one store root (from
 * a brace pattern like `train-{000000..000127}.tar`). Each tar is one
 * shard, read as one sequential stream; its samples come in the tar's
 * member order and are keyed `<tar key>/<image member>`. `.tar.gz` and
 * `.tgz` files are gunzipped on the fly.
 */
export class TarSource implements ImageSource {
  private readonly names: string[];

  /**
   * @param store - the folder (or S3 prefix) that holds the tars
   * @param names - the tars' keys under `store`, e.g. the brace expansion
   * @param uri - the source as the user named it (the pattern)
   * @param maxImageBytes - largest image member read into memory; larger ones
   *   are skipped by their header's size (a `.tar.gz` is not read past one:
   *   that would mean inflating it). @defaultValue {@link DEFAULT_MAX_IMAGE_BYTES}
   */
  constructor(
    private readonly store: ObjectStore,
    names: readonly string[],
    readonly uri: string,
    private readonly maxImageBytes: number = DEFAULT_MAX_IMAGE_BYTES,
  ) {
    this.names = [...new Set(names)].sort(compareKeys);
  }

  /** The tars, in byte order of keys; fails NOT_FOUND naming the tars that do not exist. */
  async *list(): AsyncIterable<SourceItem> {
    if (this.names.length === 1) {
      const info = await this.store.head(this.names[0]!);
      if (info === null) throw this.missing(this.names);
      yield info;
      return;
    }
    const wanted = new Set(this.names);
    const last = this.names[this.names.length - 1]!;
    const literal = commonPrefix(this.names[0]!, last);
    const from = wanted.has(literal) ? {} : { startAfter: literal };
    let found = 0;
    for await (const item of this.store.list("", from)) {
      if (compareKeys(item.key, last) > 0) break;
      if (!wanted.has(item.key)) continue;
      wanted.delete(item.key);
      found++;
      yield item;
    }
    if (found < this.names.length) throw this.missing([...wanted].sort(compareKeys));
  }

  async *planShards(listing: AsyncIterable<SourceItem>): AsyncIterable<ShardSpec> {
    let index = 0;
    for await (const tar of listing) {
      yield {
        kind: "tar",
        index,
        id: shardId(index),
        key: tar.key,
        size: tar.size,
        ...(tar.etag === undefined ? {} : { etag: tar.etag }),
      };
      index++;
    }
  }

  /**
   * The tar's samples in member order. A tar that is truncated, corrupt or
   * holds no image ends with one error entry keyed by the tar (a listed
   * skip, or the fit's failure under `--on-error fail`); a storage failure
   * is thrown.
   */
  async *readShard(spec: ShardSpec): AsyncIterable<ShardEntry> {
    const tar = this.asTar(spec);
    try {
      const options: TarReadOptions = {
        maxMemberBytes: this.maxImageBytes,
        afterTooLarge: isCompressed(tar.key) ? "stop" : "skip",
      };
      for await (const s of readWebDatasetSamples(
        this.tarBytes(tar.key),
        this.store.uriOf(tar.key),
        options,
      )) {
        if ("bytes" in s) {
          yield { item: { key: `${tar.key}/${s.member}`, size: s.bytes.length }, bytes: s.bytes };
        } else {
          const key = s.key === "" ? tar.key : `${tar.key}/${s.key}`;
          yield { item: { key, size: 0 }, error: s.error };
        }
      }
    } catch (err) {
      if (!isFeaturewiseError(err, ErrorCodes.DECODE_FAILED)) throw err;
      yield { item: { key: tar.key, size: tar.size }, error: err };
    }
  }

  /** Reads the whole tar once and serves its samples from memory until closed. */
  async openShard(spec: ShardSpec): Promise<OpenShard> {
    const held = new Map<string, Uint8Array | Error>();
    const items: SourceItem[] = [];
    for await (const entry of this.readShard(spec)) {
      items.push(entry.item);
      held.set(entry.item.key, "bytes" in entry ? entry.bytes : entry.error);
    }
    const read = (key: string): Promise<Uint8Array> => {
      const v = held.get(key);
      if (v instanceof Uint8Array) return Promise.resolve(v);
      return Promise.reject(
        v ?? new FeaturewiseError(ErrorCodes.NOT_FOUND, `${this.uriOf(key)}: not in ${spec.id}`),
      );
    };
    return new ShardReader({ index: spec.index, id: spec.id, items }, read, undefined, () =>
      held.clear(),
    );
  }

  /** One sample's image by key (`<tar key>/<member>`), by streaming its tar up to it. */
  async read(key: string): Promise<Uint8Array> {
    const tarKey = this.names.find((n) => key.startsWith(`${n}/`));
    if (tarKey !== undefined) {
      const spec: TarShardSpec = { kind: "tar", index: 0, id: shardId(0), key: tarKey, size: 0 };
      for await (const entry of this.readShard(spec)) {
        if (entry.item.key !== key) continue;
        if ("bytes" in entry) return entry.bytes;
        throw entry.error;
      }
    }
    throw new FeaturewiseError(
      ErrorCodes.NOT_FOUND,
      `${this.uriOf(key)}: no such sample in ${this.uri}`,
    );
  }

  uriOf(key: string): string {
    return this.store.uriOf(key);
  }

  private async *tarBytes(key: string): AsyncIterable<Uint8Array> {
    const raw = this.store.getStream(key);
    if (!isCompressed(key)) {
      yield* raw;
      return;
    }
    const input = Readable.from(raw);
    const gunzip = createGunzip();
    input.on("error", (err) => gunzip.destroy(err));
    try {
      for await (const chunk of input.pipe(gunzip)) yield chunk as Uint8Array;
    } catch (err) {
      if (isFeaturewiseError(err)) throw err;
      throw new FeaturewiseError(
        ErrorCodes.DECODE_FAILED,
        `${this.store.uriOf(key)}: corrupt or truncated gzip: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      input.destroy();
    }
  }

  private asTar(spec: ShardSpec): TarShardSpec {
    if (spec.kind !== "tar") {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.uri}: ${spec.id} is a ${spec.kind} shard, but this source is WebDataset tars`,
      );
    }
    return spec;
  }

  private missing(names: string[]): FeaturewiseError {
    const shown = names.slice(0, 5).map((n) => this.store.uriOf(n));
    const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : "";
    return new FeaturewiseError(
      ErrorCodes.NOT_FOUND,
      `source ${this.uri}: ${names.length} tar file(s) do not exist: ${shown.join(", ")}${more}`,
    );
  }
}

function isCompressed(key: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(key);
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}
