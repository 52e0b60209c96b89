/** Option values, defaults and how they are written (no zod here: see options-schema.ts). */
export * from "./byte-size.js";
export * from "./fit-options.js";
export * from "./option-specs.js";
export * from "./skip-limit.js";
export * from "./predict-options.js";
export * from "./flag-values.js";
export * from "./option-flags.js";
export * from "./predict-option-specs.js";
