import {
  decodeImage,
  type DecodedImage,
  type ImageSource,
  type SourceItem,
} from "@featurewise/dataset";
import type { DecodeSettings } from "@featurewise/core";

/** One item after reading and decoding: the image, or why it failed. */
export type DecodeResult =
  | { readonly item: SourceItem; readonly image: DecodedImage }
  | { readonly item: SourceItem; readonly error: Error };

/**
 * Reads and decodes items with up to `concurrency` in flight, yielding the
 * results in the items' order (decoding runs on libuv's thread pool).
 */
export async function* decodeInOrder(
  items: readonly SourceItem[],
  source: ImageSource,
  decode: DecodeSettings,
  concurrency: number,
): AsyncIterable<DecodeResult> {
  const start = (item: SourceItem): Promise<DecodeResult> =>
    source
      .read(item.key)
      .then((bytes) => decodeImage(bytes, decode))
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
