/**
 * Sufficient statistics of a set of flattened images (docs/DESIGN.md §3.1).
 *
 * `mean` has `dim` entries in the artifact's pixel order (H,W,C for
 * channels_last, C,H,W for channels_first). `comoment` is the centred
 * co-moment M = Σ (x-μ)(x-μ)ᵀ:
 * - kind "full": dim×dim row-major, only the lower triangle (i >= j) is kept up to date;
 * - kind "diagonal": its diagonal only (dim values), enough for mean/std fits.
 * Values are raw decoded pixel values (before rescale).
 */
export interface Moments {
  readonly kind: MomentsKind;
  readonly dim: number;
  n: number;
  readonly mean: Float64Array;
  readonly comoment: Float64Array;
}

export type MomentsKind = "full" | "diagonal";

/** Empty moments (n = 0) of the given kind and dimension. */
export function createMoments(kind: MomentsKind, dim: number): Moments {
  const size = kind === "full" ? dim * dim : dim;
  return { kind, dim, n: 0, mean: new Float64Array(dim), comoment: new Float64Array(size) };
}

/**
 * The moments of `n` images from their plain sums: Σx (`sum`, D values) and
 * Σxxᵀ (`products`: the lower triangle of a D×D row-major matrix for "full",
 * the D squares Σx² for "diagonal"). `products` becomes the co-moment: it is
 * converted in place and owned by the result.
 *
 * Meant for 8-bit pixel values, whose sums float64 holds exactly (whatever
 * the order of the additions, so a BLAS SYRK of raw pixels is exact too).
 * Each co-moment entry is then computed as (n·Σxᵢxⱼ − ΣxᵢΣxⱼ)/n: both
 * products are exact integers while 255²·n² < 2⁵³ (n ≤ 372,000 images), so
 * the entry is correctly rounded and a constant position gets exactly 0;
 * beyond that it is within a few ulps of n·Σxᵢxⱼ.
 */
export function momentsFromSums(
  kind: MomentsKind,
  dim: number,
  n: number,
  sum: Float64Array,
  products: Float64Array,
): Moments {
  const size = kind === "full" ? dim * dim : dim;
  if (sum.length !== dim || products.length !== size) {
    throw new Error(`momentsFromSums: expected ${dim} sums and ${size} products`);
  }
  const mean = new Float64Array(dim);
  if (n === 0) return { kind, dim, n, mean, comoment: products.fill(0) };
  for (let j = 0; j < dim; j++) mean[j] = sum[j]! / n;
  if (kind === "diagonal") {
    for (let j = 0; j < dim; j++) products[j] = (n * products[j]! - sum[j]! * sum[j]!) / n;
  } else {
    for (let i = 0; i < dim; i++) {
      const row = i * dim;
      const si = sum[i]!;
      for (let j = 0; j <= i; j++) products[row + j] = (n * products[row + j]! - si * sum[j]!) / n;
    }
  }
  return { kind, dim, n, mean, comoment: products };
}

/**
 * Moments in the layout of a `.fwm` payload: a "full" co-moment as its packed
 * lower triangle (for i in 0..dim-1, for j in 0..i: M[i][j]), a "diagonal" one
 * as is. Lets a merge read a decoded file in place, without unpacking it.
 */
export interface PackedMoments {
  readonly kind: MomentsKind;
  readonly dim: number;
  readonly n: number;
  readonly mean: Float64Array;
  /** "full": dim·(dim+1)/2 values, row i at i·(i+1)/2; "diagonal": dim values. */
  readonly comoment: Float64Array;
}

/**
 * a := a ⊕ b, in place (Chan, Golub, LeVeque). Associative in exact
 * arithmetic; with a fixed merge order the result is bit-reproducible.
 */
export function mergeInto(a: Moments, b: Moments): void {
  merge(a, b, false);
}

/**
 * a := a ⊕ b like {@link mergeInto}, for b in packed form: the same
 * floating-point operations in the same order, so the result is bit-identical
 * to merging b unpacked.
 */
export function mergePackedInto(a: Moments, b: PackedMoments): void {
  merge(a, b, true);
}

function merge(a: Moments, b: PackedMoments, packed: boolean): void {
  if (a.kind !== b.kind || a.dim !== b.dim) {
    throw new Error(
      `cannot merge ${b.kind} moments of dim ${b.dim} into ${a.kind} of dim ${a.dim}`,
    );
  }
  if (b.n === 0) return;
  const { delta, weight } = meanShift(a, b.n, b.mean);
  const dim = a.dim;
  const ma = a.comoment;
  const mb = b.comoment;
  // M += Mb, then += δδᵀ·w: one pass over M, each entry rounded as in two passes.
  if (a.kind === "full") {
    for (let i = 0; i < dim; i++) {
      const row = i * dim;
      const from = packed ? (i * (i + 1)) / 2 : row;
      const di = delta[i]! * weight;
      if (weight === 0) for (let j = 0; j <= i; j++) ma[row + j]! += mb[from + j]!;
      else for (let j = 0; j <= i; j++) ma[row + j] = ma[row + j]! + mb[from + j]! + di * delta[j]!;
    }
  } else {
    for (let j = 0; j < dim; j++) ma[j]! += mb[j]!;
    if (weight !== 0) for (let j = 0; j < dim; j++) ma[j]! += delta[j]! * delta[j]! * weight;
  }
  shiftMean(a, b.n, delta);
}

/** Merges partials left to right, in the order given, into a fresh Moments. */
export function mergeAll(parts: readonly Moments[]): Moments {
  const first = parts[0];
  if (first === undefined) throw new Error("mergeAll needs at least one partial");
  const out = createMoments(first.kind, first.dim);
  for (const p of parts) mergeInto(out, p);
  return out;
}

/** δ = μb − μa and the cross-term weight na·nb/n of merging nb values of mean `meanB` into a. */
function meanShift(
  a: Moments,
  nb: number,
  meanB: Float64Array,
): { delta: Float64Array; weight: number } {
  const delta = new Float64Array(a.dim);
  for (let j = 0; j < a.dim; j++) delta[j] = meanB[j]! - a.mean[j]!;
  return { delta, weight: (a.n * nb) / (a.n + nb) };
}

/** μ += δ·nb/n, n += nb. */
function shiftMean(a: Moments, nb: number, delta: Float64Array): void {
  const n = a.n + nb;
  const shift = nb / n;
  for (let j = 0; j < a.dim; j++) a.mean[j]! += delta[j]! * shift;
  a.n = n;
}

/**
 * The cross term of merging a batch whose co-moment is already in `a`:
 * M += δδᵀ·na·nb/n, then the mean shift. Only the lower triangle of a
 * "full" co-moment is updated.
 */
export function addMeanShift(a: Moments, nb: number, meanB: Float64Array): void {
  const { delta, weight } = meanShift(a, nb, meanB);
  const dim = a.dim;
  const m = a.comoment;
  if (weight !== 0) {
    if (a.kind === "full") {
      for (let i = 0; i < dim; i++) {
        const di = delta[i]! * weight;
        const row = i * dim;
        for (let j = 0; j <= i; j++) m[row + j]! += di * delta[j]!;
      }
    } else {
      for (let j = 0; j < dim; j++) m[j]! += delta[j]! * delta[j]! * weight;
    }
  }
  shiftMean(a, nb, delta);
}
