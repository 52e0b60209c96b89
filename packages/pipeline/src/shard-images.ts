import {
  ErrorCodes,
  FeaturewiseError,
  type DecodeSettings,
  type ErrorCode,
  type ImageShape,
  type SkippedItem,
} from "@featurewise/core";
import type { DecodedImage, ImageSource, OpenShard, SourceItem } from "@featurewise/dataset";
import { decodeInOrder, type DecodeResult, type DecodeStreamOptions } from "./decode-stream.js";
import type { OnError } from "@featurewise/core";

/** How a shard's images are read, and what happens to those that cannot be used. */
export interface ShardImagesOptions {
  /** The shard's source, to name an input in messages. */
  readonly source: Pick<ImageSource, "uriOf">;
  readonly decode: DecodeSettings;
  /** Every image must have this shape; others are skipped or fail. */
  readonly imageShape: ImageShape;
  /** `skip`: list an unusable input with its reason; `fail`: throw, naming it. */
  readonly onError: OnError;
  /** How inputs are read and decoded (batching, decoder pool). @defaultValue decoded on this thread */
  readonly stream?: DecodeStreamOptions;
  /** Called for each input skipped. */
  readonly onSkip?: (skipped: SkippedItem) => void;
}

/** A decoded image of the expected shape, with the input it came from. */
export interface UsableImage {
  readonly item: SourceItem;
  readonly image: DecodedImage;
}

/**
 * The usable images of an open shard, decoded in the shard's order; every
 * input that cannot be used (unreadable, not decodable, of another shape)
 * is added to {@link skipped} with its reason, or, under `onError: "fail"`,
 * ends the iteration with an error naming it. The fit, transform (and any
 * later pipeline that reads shards) read through this, so the policy is
 * written once.
 */
export class ShardImages implements AsyncIterable<UsableImage> {
  /** The inputs skipped so far, in order; complete once the iteration has ended. */
  readonly skipped: SkippedItem[] = [];

  constructor(
    private readonly shard: OpenShard,
    private readonly options: ShardImagesOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<UsableImage> {
    const { shard, options } = this;
    for await (const result of decodeInOrder(shard.items, shard, options.decode, options.stream)) {
      const problem = unusable(result, options.imageShape);
      if (problem === null) {
        yield result as UsableImage;
        continue;
      }
      if (options.onError === "fail") {
        throw new FeaturewiseError(
          problem.code,
          `${options.source.uriOf(result.item.key)}: ${problem.reason}`,
        );
      }
      const skipped = { key: result.item.key, reason: problem.reason };
      this.skipped.push(skipped);
      options.onSkip?.(skipped);
    }
  }
}

/**
 * Why a decoded input cannot be used for images of `shape`, with the error
 * code that names it, or null when it can.
 */
export function unusable(
  result: DecodeResult,
  shape: ImageShape,
): { reason: string; code: ErrorCode } | null {
  if ("error" in result) {
    const code = (result.error as { code?: ErrorCode }).code ?? ErrorCodes.DECODE_FAILED;
    return { reason: result.error.message, code };
  }
  const { height, width, channels } = result.image;
  if (height === shape.height && width === shape.width && channels === shape.channels) return null;
  const reason = `image is ${describeShape(result.image)}, expected ${describeShape(shape)} (pass --size to resize)`;
  return { reason, code: ErrorCodes.SHAPE_MISMATCH };
}

/** "HxWxC", as messages show shapes. */
export function describeShape(s: { height: number; width: number; channels: number }): string {
  return `${s.height}x${s.width}x${s.channels}`;
}
