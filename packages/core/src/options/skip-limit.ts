/**
 * How many unusable images a fit may skip before it fails
 * (`--max-skipped`): a count (`0`, `25`) or a fraction of the images read
 * (`1%`, `0.01`). A fit that skips more fails with TOO_MANY_SKIPPED, so a
 * dataset that mostly did not decode, or whose images mostly have another
 * size, is never silently fitted on what was left.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

/** At most `count` skipped images, or at most `fraction` (0–1) of the images read. */
export type SkipLimit = { readonly count: number } | { readonly fraction: number };

/**
 * Reads `25` (a count), `1%` or `0.01` (a fraction: a percent sign or a
 * decimal point says so).
 * @throws FeaturewiseError INVALID_ARGUMENT naming `what` and the value
 */
export function parseSkipLimit(what: string, text: string): SkipLimit {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (percent !== null && Number(percent[1]) <= 100) return { fraction: Number(percent[1]) / 100 };
  if (/^\d+$/.test(t)) return { count: Number(t) };
  if (/^\d*\.\d+$/.test(t) && Number(t) <= 1) return { fraction: Number(t) };
  throw new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `${what} ${JSON.stringify(text)}: expected a count of images like 25, or a fraction like 1% or 0.01`,
  );
}

/** The limit as {@link parseSkipLimit} reads it: `25`, `1%`. */
export function formatSkipLimit(limit: SkipLimit): string {
  if ("count" in limit) return String(limit.count);
  return `${+(limit.fraction * 100).toPrecision(6)}%`;
}

/** True when `skipped` of `read` images (used and skipped) is more than `limit` allows. */
export function exceedsSkipLimit(limit: SkipLimit, skipped: number, read: number): boolean {
  return "count" in limit ? skipped > limit.count : skipped > limit.fraction * read;
}
