import {
  COLOR_MODE_CHANNELS,
  ErrorCodes,
  FeaturewiseError,
  type DecodeSettings,
  type ImageShape,
} from "@featurewise/core";
import {
  decodeImage,
  readImageSize,
  ListingFingerprint,
  withoutItems,
  type ImageSource,
  type ShardSpec,
} from "@featurewise/dataset";
import type { FolderWalkOptions } from "@featurewise/storage";

/** How a local source folder is walked, from the options of a fit or transform. */
export function folderWalk(options: { readonly followLinks?: boolean }): FolderWalkOptions {
  return { followLinks: options.followLinks === true };
}

/** Decodable images whose sizes decide the fit's image shape when no target size is given. */
export const SHAPE_SAMPLE_SIZE = 16;

/**
 * The shape every image of the fit must have: the target size when given,
 * else the most common shape among the first {@link SHAPE_SAMPLE_SIZE}
 * images, in plan order, that decode (on a tie, the one seen first). So one
 * odd image that sorts first does not decide the size of a whole dataset:
 * it is skipped (SHAPE_MISMATCH) and counted against `maxSkipped`. Reads
 * only as far as those images. `checkShape`, when given, refuses the chosen
 * shape; an image whose header already declares a refused shape (a ZCA
 * matrix over the limit) is counted by that shape without being decoded.
 */
export async function resolveImageShape(
  source: ImageSource,
  shards: Iterable<ShardSpec> | AsyncIterable<ShardSpec>,
  decode: DecodeSettings,
  checkShape?: (shape: ImageShape) => void,
): Promise<ImageShape> {
  const channels = COLOR_MODE_CHANNELS[decode.colorMode];
  if (decode.targetSize !== null) {
    const [height, width] = decode.targetSize;
    const shape = { height, width, channels };
    checkShape?.(shape);
    return shape;
  }
  const seen = new Map<string, { shape: ImageShape; count: number }>();
  const count = (shape: ImageShape) => {
    const key = `${shape.height}x${shape.width}x${shape.channels}`;
    const entrySeen = seen.get(key) ?? { shape, count: 0 };
    entrySeen.count++;
    seen.set(key, entrySeen);
  };
  let sampled = 0;
  let tried = 0;
  sampling: for await (const spec of shards) {
    for await (const entry of source.readShard(spec, { concurrency: 2 })) {
      tried++;
      if (!("bytes" in entry)) continue;
      if (checkShape !== undefined) {
        const declared = await readImageSize(entry.bytes);
        if (declared !== null && !accepts(checkShape, { ...declared, channels })) {
          count({ ...declared, channels });
          if (++sampled >= SHAPE_SAMPLE_SIZE) break sampling;
          continue;
        }
      }
      try {
        const image = await decodeImage(entry.bytes, decode);
        count({ height: image.height, width: image.width, channels: image.channels });
        if (++sampled >= SHAPE_SAMPLE_SIZE) break sampling;
      } catch {
        // Not decodable: the shard that holds it will skip or fail it with the reason.
      }
    }
  }
  let best: { shape: ImageShape; count: number } | null = null;
  for (const candidate of seen.values())
    if (best === null || candidate.count > best.count) best = candidate;
  if (best !== null) {
    checkShape?.(best.shape);
    return best.shape;
  }
  throw new FeaturewiseError(
    ErrorCodes.EMPTY_SOURCE,
    `${source.uri}: none of the ${tried} files is a decodable image`,
  );
}

/** Whether `check` lets `shape` through. */
function accepts(check: (shape: ImageShape) => void, shape: ImageShape): boolean {
  try {
    check(shape);
    return true;
  } catch {
    return false;
  }
}

/** How a {@link StreamingPlan} cuts its source and decides the image shape. */
export interface StreamingPlanOptions {
  /** Images per shard (object listings; a tar source's shards are its files). */
  readonly imagesPerShard: number;
  /** How the shape-deciding images are decoded. */
  readonly decode: DecodeSettings;
  /**
   * Refuses a shape (the fit's ZCA size limit), checked from an image's
   * header before it is decoded. @defaultValue none: every shape is accepted
   */
  readonly checkShape?: (shape: ImageShape) => void;
}

/**
 * A run's plan (a fit's: see `FitPlan` in `@featurewise/fit`), read while
 * the source is still being listed, so that shards can run before the
 * listing ends: {@link shards} yields each shard as soon as it is cut,
 * {@link imageShape} fixes the image shape and checks it, and
 * {@link listing} gives the fingerprint once the listing has ended. The
 * embedded fit and the cluster's coordinator both plan with it, so both
 * plan alike.
 *
 * Range shards carry their items (keys and sizes); the plan holds them only
 * until {@link shards} has handed the shard out, so a listing of millions of
 * keys is never held whole.
 */
export class StreamingPlan {
  private readonly cut: ShardSpec[] = [];
  private readonly specs: AsyncIterator<ShardSpec>;
  private readonly fingerprint = new ListingFingerprint();
  /** Set once the listing has ended. */
  private totals: { fingerprint: string; listed: number | null } | null = null;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly source: ImageSource,
    private readonly options: StreamingPlanOptions,
    onListed: (count: number) => void = () => {},
  ) {
    const fingerprint = this.fingerprint;
    async function* fingerprinted() {
      for await (const item of source.list()) {
        fingerprint.add(item);
        if (fingerprint.items % 1000 === 0) onListed(fingerprint.items);
        yield item;
      }
    }
    const plan = source.planShards(fingerprinted(), { imagesPerShard: options.imagesPerShard });
    this.specs = plan[Symbol.asyncIterator]();
  }

  /**
   * The shards in plan order, as the listing reaches them, each with its
   * items; the plan lets go of a shard's items once they are handed out
   * here (a later iteration gets the shard without them: it is then
   * re-listed when read).
   * @throws FeaturewiseError EMPTY_SOURCE at the end of an empty listing
   */
  shards(): AsyncIterable<ShardSpec> {
    return this.read(true);
  }

  private async *read(release: boolean): AsyncIterable<ShardSpec> {
    for (let i = 0; ; i++) {
      while (i >= this.cut.length && this.totals === null) await this.readNext();
      if (i >= this.cut.length) break;
      const spec = this.cut[i]!;
      if (release) this.cut[i] = withoutItems(spec);
      yield spec;
    }
    if (this.fingerprint.items === 0) {
      throw new FeaturewiseError(
        ErrorCodes.EMPTY_SOURCE,
        `source ${this.source.uri} holds no files`,
      );
    }
  }

  /**
   * The shape every image must have (reading only as far as the first
   * decodable image), after `checkShape` for it (the ZCA size): from that
   * image's header first, before decoding it.
   */
  async imageShape(): Promise<ImageShape> {
    // Reads ahead without releasing: the shards it reads still go out with their items.
    return resolveImageShape(
      this.source,
      this.read(false),
      this.options.decode,
      this.options.checkShape,
    );
  }

  /**
   * Images listed, once the listing has ended; null before, and for tar
   * sources (whose image count is known only once their shards are read).
   */
  get listed(): number | null {
    return this.totals?.listed ?? null;
  }

  /** The listing's fingerprint and image count, once {@link shards} has been read to its end. */
  listing(): { fingerprint: string; listed: number | null } {
    if (this.totals === null) throw new Error("StreamingPlan.listing() before the listing ended");
    return this.totals;
  }

  private endOfListing(): { fingerprint: string; listed: number | null } {
    // Object listings know their image count up front; tar shards only once read.
    const listed = this.cut.every((s) => s.kind === "range")
      ? this.cut.reduce((sum, s) => sum + (s.kind === "range" ? s.count : 0), 0)
      : null;
    return { fingerprint: this.fingerprint.digest(), listed };
  }

  /** Cuts the next shard; one read at a time, shared by every reader of {@link shards}. */
  private readNext(): Promise<void> {
    this.reading ??= this.specs.next().then(
      (r) => {
        this.reading = null;
        if (r.done === true) this.totals = this.endOfListing();
        else this.cut.push(r.value);
      },
      (err: unknown) => {
        this.reading = null;
        throw err;
      },
    );
    return this.reading;
  }
}
