/**
 * The end-of-fit check on what was skipped, shared by the embedded fit and
 * the cluster's finalize job: a fit with no usable image fails with
 * EMPTY_SOURCE, one that skipped more than `maxSkipped` allows fails with
 * TOO_MANY_SKIPPED and a summary of why (the reasons counted, the image
 * sizes seen), so a dataset is never silently fitted on a small remainder.
 */
import {
  ErrorCodes,
  exceedsSkipLimit,
  FeaturewiseError,
  FIT_DEFAULTS,
  formatSkipLimit,
  type FitOptions,
  type ImageShape,
  type SkippedItem,
} from "@featurewise/core";
import { describeShape } from "./shard-images.js";

/** Reason groups named in the message; the rest are counted. */
const SHOWN_REASONS = 3;

/**
 * Throws when the fit may not go on with `used` images after skipping `skipped`.
 * @throws FeaturewiseError EMPTY_SOURCE when nothing was used, TOO_MANY_SKIPPED over the limit
 */
export function checkSkipped(
  sourceUri: string,
  used: number,
  skipped: readonly SkippedItem[],
  options: Pick<FitOptions, "maxSkipped" | "decode">,
  imageShape: ImageShape,
): void {
  const read = used + skipped.length;
  if (used === 0) {
    const first = skipped[0];
    throw new FeaturewiseError(
      ErrorCodes.EMPTY_SOURCE,
      `source ${sourceUri}: all ${read} files were skipped (first: ${first?.key}: ${first?.reason})`,
    );
  }
  const limit = options.maxSkipped ?? FIT_DEFAULTS.maxSkipped;
  if (!exceedsSkipLimit(limit, skipped.length, read)) return;
  const hint =
    options.decode.targetSize === null
      ? "pass --size HxW to resize images of mixed sizes, or raise --max-skipped"
      : "raise --max-skipped to fit on the rest";
  throw new FeaturewiseError(
    ErrorCodes.TOO_MANY_SKIPPED,
    `source ${sourceUri}: skipped ${skipped.length} of ${read} images, more than --max-skipped ` +
      `${formatSkipLimit(limit)} allows; the fit's image size is ${describeShape(imageShape)}; ` +
      `${summarizeSkipped(skipped)}; ${hint}`,
  );
}

/**
 * "sizes seen: 32x32x3 (20000); reasons: truncated (3), ..." — shape
 * mismatches counted by size, other reasons by their text, most frequent first.
 */
export function summarizeSkipped(skipped: readonly SkippedItem[]): string {
  const sizes = new Map<string, number>();
  const reasons = new Map<string, number>();
  for (const { reason } of skipped) {
    const size = /^image is (\d+x\d+x\d+), expected/.exec(reason)?.[1];
    if (size !== undefined) sizes.set(size, (sizes.get(size) ?? 0) + 1);
    else reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const top = (m: Map<string, number>): string => {
    const sorted = [...m].sort((a, b) => b[1] - a[1]);
    const shown = sorted.slice(0, SHOWN_REASONS).map(([k, n]) => `${k} (${n})`);
    const rest = sorted.slice(SHOWN_REASONS).reduce((sum, [, n]) => sum + n, 0);
    return rest > 0 ? `${shown.join(", ")}, ${rest} more` : shown.join(", ");
  };
  const parts: string[] = [];
  if (sizes.size > 0) parts.push(`other sizes seen: ${top(sizes)}`);
  if (reasons.size > 0) parts.push(`reasons: ${top(reasons)}`);
  return parts.join("; ");
}
