/**
 * `@featurewise/core/decode`: what image decoding needs of core (the errors,
 * the decode settings' choices), without the rest of the index. A decode
 * worker thread loads only this: the whole index (the artifact's zod
 * schemas and all) cost each thread ~0.2 s of CPU to load, paid again by
 * every predict and fit.
 */
export * from "./errors.js";
export { COLOR_MODES, INTERPOLATIONS } from "./options/fit-options.js";
