import {
  coupleFlags,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  type DecodeSettings,
  type ImageShape,
  type MomentsKind,
} from "@featurewise/core";
import {
  decodeImage,
  ListingFingerprint,
  type ImageSource,
  type ShardSpec,
} from "@featurewise/dataset";
import type { FitOptions } from "./fit-options.js";

const CHANNELS = { grayscale: 1, rgb: 3, rgba: 4 } as const;

/**
 * The shape every image of the fit must have: the target size when given,
 * else the shape of the first image, in plan order, that decodes. Reads
 * only as far as that image.
 */
export async function resolveImageShape(
  source: ImageSource,
  shards: Iterable<ShardSpec> | AsyncIterable<ShardSpec>,
  decode: DecodeSettings,
): Promise<ImageShape> {
  const channels = CHANNELS[decode.colorMode];
  if (decode.targetSize !== null) {
    const [height, width] = decode.targetSize;
    return { height, width, channels };
  }
  let tried = 0;
  for await (const spec of shards) {
    for await (const entry of source.readShard(spec, { concurrency: 2 })) {
      tried++;
      if (!("bytes" in entry)) continue;
      try {
        const image = await decodeImage(entry.bytes, decode);
        return { height: image.height, width: image.width, channels: image.channels };
      } catch {
        // Not decodable: the shard that holds it will skip or fail it with the reason.
      }
    }
  }
  throw new FeaturewiseError(
    ErrorCodes.EMPTY_SOURCE,
    `${source.uri}: none of the ${tried} files is a decodable image`,
  );
}

/**
 * Refuses a ZCA fit whose whitening matrix would not fit the limit; the
 * message states the bytes needed.
 */
export function checkZcaSize(shape: ImageShape, maxBytes: number): void {
  const d = flatSize(shape);
  const bytes = d * d * 8;
  if (bytes > maxBytes) {
    throw new FeaturewiseError(
      ErrorCodes.ZCA_TOO_LARGE,
      `--zca on ${shape.height}x${shape.width}x${shape.channels} images needs a ${d}x${d} float64 whitening matrix of ` +
        `${formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)} (raise --max-zca-bytes or use a smaller --size)`,
    );
  }
}

/** "1.2 GB" style, decimal units. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]} (${bytes} bytes)`;
}

type PlanOptions = Pick<FitOptions, "flags" | "imagesPerShard" | "decode" | "maxZcaBytes">;

/**
 * A fit's plan, read while the source is still being listed, so that shards
 * can run before the listing ends: {@link shards} yields each shard as soon
 * as it is cut (any number of times, from the first), {@link imageShape}
 * fixes the image shape and checks the ZCA size, and {@link listing} gives
 * the fingerprint once the listing has ended. The embedded fit and the
 * cluster's coordinator both plan with it, so both plan alike.
 */
export class StreamingPlan {
  /** "full" moments for ZCA, else "diagonal". */
  readonly kind: MomentsKind;
  private readonly cut: ShardSpec[] = [];
  private readonly specs: AsyncIterator<ShardSpec>;
  private readonly fingerprint = new ListingFingerprint();
  /** Set once the listing has ended. */
  private totals: { fingerprint: string; listed: number | null } | null = null;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly source: ImageSource,
    private readonly options: PlanOptions,
    onListed: (count: number) => void = () => {},
  ) {
    const { effective } = coupleFlags(options.flags);
    this.kind = effective.zcaWhitening ? "full" : "diagonal";
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
   * The shards in plan order, as the listing reaches them.
   * @throws FeaturewiseError EMPTY_SOURCE at the end of an empty listing
   */
  async *shards(): AsyncIterable<ShardSpec> {
    for (let i = 0; ; i++) {
      while (i >= this.cut.length && this.totals === null) await this.readNext();
      if (i >= this.cut.length) break;
      yield this.cut[i]!;
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
   * decodable image), after checking the ZCA size for it.
   */
  async imageShape(): Promise<ImageShape> {
    const shape = await resolveImageShape(this.source, this.shards(), this.options.decode);
    if (this.kind === "full") checkZcaSize(shape, this.options.maxZcaBytes);
    return shape;
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
