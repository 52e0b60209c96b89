/** The errors runtimes throw, with one-line reasons (native loaders print several lines). */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** BACKEND_UNAVAILABLE: a runtime's library or device cannot be used. */
export function runtimeUnavailable(message: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.BACKEND_UNAVAILABLE, message, withCause(cause));
}

/** MODEL_INVALID: the files are not a model the runtime reads. */
export function modelInvalid(uri: string, problem: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.MODEL_INVALID,
    `model ${uri}: ${problem}`,
    withCause(cause),
  );
}

/** MODEL_MISMATCH: the model's inputs or outputs are not what featurewise feeds or writes. */
export function modelMismatch(uri: string, problem: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.MODEL_MISMATCH, `model ${uri}: ${problem}`);
}

/** The first line of an error's message. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n", 1)[0]!.trim();
}

function withCause(cause: unknown): { cause?: unknown } | undefined {
  return cause === undefined ? undefined : { cause };
}
