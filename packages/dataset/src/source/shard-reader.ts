import { isTransientError } from "@featurewise/storage";
import type {
  ImageSource,
  OpenShard,
  ReadShardOptions,
  ShardEntry,
  SourceItem,
} from "./image-source.js";
import type { Shard, ShardPlanOptions, ShardSpec } from "./shards.js";

/**
 * The source view an {@link OpenShard} hands out: reads go through `read`
 * (a tar shard's buffered members, or the source itself), and a failure
 * that outlasted every retry is remembered so the fit fails instead of
 * listing the image as skipped.
 */
export class ShardReader implements ImageSource, OpenShard {
  readonly uri: string;
  private firstFailure: Error | null = null;

  constructor(
    private readonly parent: ImageSource,
    readonly shard: Shard,
    private readonly readKey: (key: string) => Promise<Uint8Array>,
    private readonly onClose: () => void = () => {},
  ) {
    this.uri = parent.uri;
  }

  get source(): ImageSource {
    return this;
  }

  failure(): Error | null {
    return this.firstFailure;
  }

  close(): void {
    this.onClose();
  }

  read(key: string): Promise<Uint8Array> {
    return this.readKey(key).catch((err: unknown) => {
      if (this.firstFailure === null && isTransientError(err)) this.firstFailure = err as Error;
      throw err;
    });
  }

  list(): AsyncIterable<SourceItem> {
    return this.parent.list();
  }

  planShards(
    listing: AsyncIterable<SourceItem>,
    options?: ShardPlanOptions,
  ): AsyncIterable<ShardSpec> {
    return this.parent.planShards(listing, options);
  }

  readShard(spec: ShardSpec, options?: ReadShardOptions): AsyncIterable<ShardEntry> {
    return this.parent.readShard(spec, options);
  }

  openShard(spec: ShardSpec): Promise<OpenShard> {
    return this.parent.openShard(spec);
  }

  uriOf(key: string): string {
    return this.parent.uriOf(key);
  }

  localPath(key: string): string | undefined {
    return this.parent.localPath?.(key);
  }
}
