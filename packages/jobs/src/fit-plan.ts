import {
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  type DecodeSettings,
  type ImageShape,
} from "@featurewise/core";
import { decodeImage, type ImageSource, type SourceItem } from "@featurewise/dataset";

const CHANNELS = { grayscale: 1, rgb: 3, rgba: 4 } as const;

/**
 * The shape every image of the fit must have: the target size when given,
 * else the shape of the first image of the listing that decodes.
 */
export async function resolveImageShape(
  source: ImageSource,
  items: Iterable<SourceItem>,
  decode: DecodeSettings,
): Promise<ImageShape> {
  const channels = CHANNELS[decode.colorMode];
  if (decode.targetSize !== null) {
    const [height, width] = decode.targetSize;
    return { height, width, channels };
  }
  let tried = 0;
  for (const item of items) {
    tried++;
    try {
      const image = await decodeImage(await source.read(item.key), decode);
      return { height: image.height, width: image.width, channels: image.channels };
    } catch {
      // Not decodable: the shard that holds it will skip or fail it with the reason.
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
