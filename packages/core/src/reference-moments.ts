import type { LinearAlgebra } from "./linalg/linear-algebra.js";
import { addMeanShift, type Moments } from "./moments.js";

/**
 * The reference oracle of the accumulation, for tests only: adds a batch of
 * images to `target` the textbook way: the batch is centred on its own
 * mean, its co-moment is accumulated (SYRK for "full", squares for
 * "diagonal"), then the mean shift is merged in (Chan et al.). Works on
 * any float64 values. The production path is different (the fit's
 * `BatchAccumulator` sums 8-bit pixels exactly and converts once with
 * `momentsFromSums`); tests check one against the other.
 * @param batch - rows×dim row-major raw pixel values; used as scratch (centred in place for "full")
 */
export async function referenceAccumulateBatch(
  target: Moments,
  batch: Float64Array,
  rows: number,
  la: LinearAlgebra,
): Promise<void> {
  if (rows === 0) return;
  const dim = target.dim;
  const batchMean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    for (let j = 0; j < dim; j++) batchMean[j]! += batch[off + j]!;
  }
  for (let j = 0; j < dim; j++) batchMean[j]! /= rows;
  if (target.kind === "full") {
    for (let r = 0; r < rows; r++) {
      const off = r * dim;
      for (let j = 0; j < dim; j++) batch[off + j]! -= batchMean[j]!;
    }
    await la.syrk(batch.subarray(0, rows * dim), rows, dim, target.comoment, 1, 1);
  } else {
    const diag = target.comoment;
    for (let r = 0; r < rows; r++) {
      const off = r * dim;
      for (let j = 0; j < dim; j++) {
        const v = batch[off + j]! - batchMean[j]!;
        diag[j]! += v * v;
      }
    }
  }
  addMeanShift(target, rows, batchMean);
}
