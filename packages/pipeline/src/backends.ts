/**
 * The compute backend of a job: a thin layer over @featurewise/linalg that
 * keeps the CLI's wording ("--backend NAME").
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import {
  BACKEND_NAMES,
  isBackendName,
  selectBackend as selectLinalgBackend,
  type SelectBackendOptions,
  type SelectedBackend,
} from "@featurewise/linalg";

export { BACKEND_NAMES, type SelectedBackend };

/**
 * Picks the compute backend: `auto` takes the fastest one that loads
 * (cuda → openblas → tfjs → js) and says in `reason` why the others were skipped.
 * @param requested - one of {@link BACKEND_NAMES}, as given to `--backend`
 * @throws FeaturewiseError INVALID_ARGUMENT for an unknown name;
 *   BACKEND_UNAVAILABLE when an explicitly requested backend cannot be loaded
 */
export function selectBackend(
  requested: string,
  options: SelectBackendOptions = {},
): SelectedBackend {
  if (!isBackendName(requested)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--backend ${requested}: expected one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  return selectLinalgBackend(requested, options);
}

/**
 * The backends a long-lived thread (a worker's sandbox thread) loads, each
 * once: jobs name theirs, "auto" standing for the worker's `--backend`.
 */
export class LoadedBackends {
  private readonly loaded = new Map<string, SelectedBackend>();

  /** @param workerBackend - what "auto" means on this worker */
  constructor(private readonly workerBackend: string) {}

  /** The backend `requested`, loaded on first use. @throws as {@link selectBackend} */
  get(requested: string): SelectedBackend {
    const name = requested === "auto" ? this.workerBackend : requested;
    let b = this.loaded.get(name);
    if (b === undefined) {
      b = selectBackend(name);
      this.loaded.set(name, b);
    }
    return b;
  }
}
