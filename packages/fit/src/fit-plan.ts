/**
 * The fit's plan: a streaming plan (`@featurewise/pipeline`) whose moments
 * are "full" for ZCA, else "diagonal", and which refuses an image shape
 * whose whitening matrix would not fit `--max-zca-bytes`.
 */
import {
  coupleFlags,
  ErrorCodes,
  FeaturewiseError,
  flatSize,
  formatByteSize,
  type FitOptions,
  type ImageShape,
  type MomentsKind,
} from "@featurewise/core";
import type { ImageSource } from "@featurewise/dataset";
import { StreamingPlan } from "@featurewise/pipeline";

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
        `${formatBytes(bytes)}; the limit is ${formatByteSize(maxBytes)} (raise --max-zca-bytes or use a smaller --size)`,
    );
  }
}

/** "168.8G (181269430272 bytes)": core's formatByteSize (powers of 1024, as --max-zca-bytes reads them) and the exact count. */
export function formatBytes(bytes: number): string {
  return `${formatByteSize(bytes)} (${bytes} bytes)`;
}

/** What a fit's plan reads of the fit's options. */
export type FitPlanOptions = Pick<
  FitOptions,
  "flags" | "imagesPerShard" | "decode" | "maxZcaBytes"
>;

/** The moments a fit with `flags` accumulates: "full" for ZCA, else "diagonal". */
export function momentsKindOf(flags: FitOptions["flags"]): MomentsKind {
  return coupleFlags(flags).effective.zcaWhitening ? "full" : "diagonal";
}

/** A fit's streaming plan (see the module comment); the embedded fit and the coordinator both plan with it. */
export class FitPlan extends StreamingPlan {
  /** "full" moments for ZCA, else "diagonal". */
  readonly kind: MomentsKind;

  constructor(
    source: ImageSource,
    options: FitPlanOptions,
    onListed: (count: number) => void = () => {},
  ) {
    const kind = momentsKindOf(options.flags);
    const { maxZcaBytes } = options;
    super(
      source,
      {
        imagesPerShard: options.imagesPerShard,
        decode: options.decode,
        ...(kind === "full" ? { checkShape: (s: ImageShape) => checkZcaSize(s, maxZcaBytes) } : {}),
      },
      onListed,
    );
    this.kind = kind;
  }
}
