import { isTransientError } from "@featurewise/storage";
import type { OpenShard, SourceItem } from "./image-source.js";
import type { Shard } from "./shards.js";

/**
 * An {@link OpenShard} over a read function (a tar shard's buffered
 * members, or the source itself). A read failure that outlasted every
 * retry is remembered, so the shard fails instead of listing the image as
 * skipped.
 */
export class ShardReader implements OpenShard {
  readonly index: number;
  readonly id: string;
  readonly items: readonly SourceItem[];
  private firstFailure: Error | null = null;

  /**
   * @param shard - the shard's position, id and items
   * @param readKey - reads one item's bytes
   * @param paths - the local file of an item, for sources on the local filesystem
   * @param onClose - frees what the shard holds
   */
  constructor(
    shard: Shard,
    private readonly readKey: (key: string) => Promise<Uint8Array>,
    private readonly paths?: (key: string) => string | undefined,
    private readonly onClose: () => void = () => {},
  ) {
    this.index = shard.index;
    this.id = shard.id;
    this.items = shard.items;
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

  localPath(key: string): string | undefined {
    return this.paths?.(key);
  }
}
