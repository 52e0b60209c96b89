import {
  ErrorCodes,
  FeaturewiseError,
  JsLinearAlgebra,
  type LinearAlgebra,
} from "@featurewise/core";

/** The compute backend a fit runs on, and why it was chosen. */
export interface SelectedBackend {
  readonly la: LinearAlgebra;
  readonly reason: string;
}

export const BACKEND_NAMES = ["auto", "js"] as const;

/** Picks the compute backend: `auto` takes the fastest available. */
export function selectBackend(requested: string): SelectedBackend {
  switch (requested) {
    case "auto":
      return {
        la: new JsLinearAlgebra(),
        reason: "auto: the TypeScript reference is the only backend built in",
      };
    case "js":
      return { la: new JsLinearAlgebra(), reason: "requested with --backend js" };
    default:
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--backend ${requested}: expected one of ${BACKEND_NAMES.join(", ")}`,
      );
  }
}
