/** The BACKEND_UNAVAILABLE error and how its one-line reason is shown. */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** A FeaturewiseError(BACKEND_UNAVAILABLE) with a one-line message; `cause` kept. */
export function backendUnavailable(message: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.BACKEND_UNAVAILABLE,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** The first line of an error's message (native loaders can print several). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n", 1)[0]!.trim();
}
