import type { DecodeSettings } from "@featurewise/core";
import {
  decodeImage,
  type DecodedImage,
  type ImageSource,
  type SourceItem,
} from "@featurewise/dataset";

/** One item after reading and decoding: the image, or why it failed. */
export type DecodeResult =
  | { readonly item: SourceItem; readonly image: DecodedImage }
  | { readonly item: SourceItem; readonly error: Error };

/** Turns file bytes into pixels: `decodeImage`, or a `DecodePool`'s `decode`. */
export type Decoder = (bytes: Uint8Array, options: DecodeSettings) => Promise<DecodedImage>;

/**
 * Reads and decodes items with up to `concurrency` in flight, yielding the
 * results in the items' order.
 */
export async function* decodeInOrder(
  items: readonly SourceItem[],
  source: ImageSource,
  decode: DecodeSettings,
  concurrency: number,
  decoder: Decoder = decodeImage,
): AsyncIterable<DecodeResult> {
  const start = (item: SourceItem): Promise<DecodeResult> =>
    source
      .read(item.key)
      .then((bytes) => decoder(bytes, decode))
      .then(
        (image) => ({ item, image }),
        (error: unknown) => ({
          item,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      );
  const pending: Promise<DecodeResult>[] = [];
  let next = 0;
  while (next < items.length && pending.length < concurrency) pending.push(start(items[next++]!));
  while (pending.length > 0) {
    const result = await pending.shift()!;
    if (next < items.length) pending.push(start(items[next++]!));
    yield result;
  }
}
