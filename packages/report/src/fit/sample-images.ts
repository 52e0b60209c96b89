/**
 * A bounded, deterministic sample of a fit's source: its first usable
 * images in the source's key order, decoded with the artifact's decode
 * settings through the same road the fit took (a shard plan, withOpenShard,
 * ShardImages), so the "before" pictures are the pixels the fit saw.
 */
import type { DecodeSettings, ImageShape, SkippedItem } from "@featurewise/core";
import { openSource, withOpenShard, type DecodedImage } from "@featurewise/dataset";
import { ShardImages } from "@featurewise/pipeline";
import type { Storage } from "@featurewise/storage";

/** The images of a sample, in key order. */
export interface SourceSample {
  readonly keys: string[];
  /** Decoded HWC pixels, as Keras' `load_img` gives them. */
  readonly images: DecodedImage[];
  /** Inputs met on the way that could not be used. */
  readonly skipped: SkippedItem[];
}

/**
 * The first `count` images of `uri` that decode to `shape` (reading at most
 * `count` images a shard, and stopping as soon as it has them).
 */
export async function sampleSource(
  storage: Storage,
  uri: string,
  decode: DecodeSettings,
  shape: ImageShape,
  count: number,
): Promise<SourceSample> {
  const source = openSource(uri, storage);
  const sample: SourceSample = { keys: [], images: [], skipped: [] };
  if (count <= 0) return sample;
  for await (const spec of source.planShards(source.list(), { imagesPerShard: count })) {
    await withOpenShard(source, spec, async (shard) => {
      const images = new ShardImages(shard, { source, decode, imageShape: shape, onError: "skip" });
      for await (const { item, image } of images) {
        sample.keys.push(item.key);
        sample.images.push(image);
        if (sample.keys.length >= count) break;
      }
      sample.skipped.push(...images.skipped);
    });
    if (sample.keys.length >= count) break;
  }
  return sample;
}
