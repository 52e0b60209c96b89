/**
 * Which Keras version's math to reproduce (docs/DESIGN.md §3.2).
 * - "keras": keras-preprocessing HEAD = Keras >= 2.9 and the Keras 3 legacy
 *   ImageDataGenerator: W = U diag(sqrt(n)/(s+ε)) Uᵀ over min(n, D) components.
 * - "keras-preprocessing-1.1": Keras 2.3–2.8: Σ = G/n, W = U diag(1/sqrt(λ+ε)) Uᵀ over all D.
 */
export type Profile = "keras" | "keras-preprocessing-1.1";

export const PROFILES: readonly Profile[] = ["keras", "keras-preprocessing-1.1"];

/** Keras' constant added to the std before dividing (`x /= (std + 1e-6)`). */
export const STD_EPSILON = 1e-6;

/** Keras' default `zca_epsilon`. */
export const DEFAULT_ZCA_EPSILON = 1e-6;
