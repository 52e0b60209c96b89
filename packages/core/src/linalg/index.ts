/** Linear algebra: the backend interface and the pure-TypeScript reference backend. */
export { PIXEL_SYRK_MAX_ROWS, type LinearAlgebra } from "./linear-algebra.js";
export { JsLinearAlgebra } from "./js-linalg.js";
export { symmetricEigen, type SymmetricEigen } from "./symmetric-eigen.js";
export { syrkLower } from "./syrk.js";
export { gemmRowMajor } from "./gemm.js";
export { checkLength } from "./check-args.js";
