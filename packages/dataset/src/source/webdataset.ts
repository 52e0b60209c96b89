import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { DEFAULT_MAX_IMAGE_BYTES } from "./tar-reader.js";
import { count, readTarMembers, type TarMember, type TarReadOptions } from "./tar-reader.js";

/** Member extensions taken as the sample's image, in order of preference. */
export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "gif", "tif", "tiff"] as const;

const IMAGE_SET = new Set<string>(IMAGE_EXTENSIONS);

/** One WebDataset sample after reading: its image member, or why it has none. */
export type WebDatasetSample =
  | { readonly key: string; readonly member: string; readonly bytes: Uint8Array }
  | { readonly key: string; readonly error: Error };

/**
 * Splits a member path into WebDataset's sample key and extension: the key
 * is the path up to the first "." of its last component
 * (`a/000123.seg.png` → `a/000123`, `seg.png`).
 */
export function splitSampleKey(name: string): { key: string; ext: string } {
  const slash = name.lastIndexOf("/");
  const dot = name.indexOf(".", slash + 1);
  return dot < 0 ? { key: name, ext: "" } : { key: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/**
 * The rank of an extension as an image: exact matches (`png`) in
 * {@link IMAGE_EXTENSIONS} order first, then compound ones whose last part
 * is an image type (`seg.png`); -1 when not an image.
 */
export function imageRank(ext: string): number {
  const lower = ext.toLowerCase();
  const exact = IMAGE_EXTENSIONS.indexOf(lower as (typeof IMAGE_EXTENSIONS)[number]);
  if (exact >= 0) return exact;
  const last = lower.slice(lower.lastIndexOf(".") + 1);
  return lower.includes(".") && IMAGE_SET.has(last)
    ? IMAGE_EXTENSIONS.length + IMAGE_EXTENSIONS.indexOf(last as never)
    : -1;
}

/**
 * Streams the samples of one WebDataset tar: consecutive members with the
 * same key form a sample, whose image is the member with the best
 * {@link imageRank} (ties: the first in the tar); other members are not
 * read into memory. A sample without an image becomes an error entry;
 * a tar without any image yields one error entry for the whole tar. An
 * image member over `options.maxMemberBytes` is never read: its sample
 * becomes an error entry naming its size and the limit.
 */
export async function* readWebDatasetSamples(
  chunks: AsyncIterable<Uint8Array>,
  uri: string,
  options: TarReadOptions = {},
): AsyncIterable<WebDatasetSample> {
  let current: { key: string; best: TarMember | null; rank: number; others: string[] } | null =
    null;
  let sawImage = false;
  let pending: WebDatasetSample[] = []; // image-less samples before the first image
  let samples = 0;
  const close = function* (): Iterable<WebDatasetSample> {
    if (current === null) return;
    samples++;
    const { key, best, others } = current;
    current = null;
    if (best !== null && best.data !== null) {
      sawImage = true;
      yield* pending;
      pending = [];
      yield { key, member: best.name, bytes: best.data };
      return;
    }
    const error = new FeaturewiseError(
      ErrorCodes.DECODE_FAILED,
      best?.tooLarge === true
        ? `image member ${JSON.stringify(best.name)} is ${count(best.size)} bytes, over the limit of ` +
            `${count(options.maxMemberBytes ?? DEFAULT_MAX_IMAGE_BYTES)} for one image (FEATUREWISE_MAX_IMAGE_BYTES); not read`
        : `sample has no image member (members: ${others.join(", ") || "none"}; images are ${IMAGE_EXTENSIONS.join(", ")})`,
    );
    if (best !== null) sawImage = true; // an image member, too large to read
    if (sawImage) {
      yield* pending;
      pending = [];
      yield { key, error };
    } else pending.push({ key, error });
  };
  const members = readTarMembers(
    chunks,
    uri,
    (name) => imageRank(splitSampleKey(name).ext) >= 0,
    options,
  );
  try {
    for await (const m of members) {
      const { key, ext } = splitSampleKey(m.name);
      if (current !== null && current.key !== key) yield* close();
      current ??= { key, best: null, rank: Infinity, others: [] };
      const rank = imageRank(ext);
      if (rank >= 0 && rank < current.rank) {
        if (current.best !== null) current.others.push(splitSampleKey(current.best.name).ext);
        current.best = m;
        current.rank = rank;
      } else {
        current.others.push(ext === "" ? m.name : ext);
      }
    }
  } catch (err) {
    // The tar ends early: what was read so far is still reported, before the tar's own error.
    yield* close();
    yield* pending;
    throw err;
  }
  yield* close();
  if (!sawImage) {
    yield {
      key: "",
      error: new FeaturewiseError(
        ErrorCodes.DECODE_FAILED,
        `${uri}: the tar holds no image members (${samples} samples; images are ${IMAGE_EXTENSIONS.join(", ")})`,
      ),
    };
  }
}
