import { ClusterClient } from "@featurewise/queue/client";
import { FitStateStore } from "./fit-state.js";

/**
 * A cluster client that also reads and writes fit records (the `fit`,
 * `status` and `cancel` commands): `FitClient.connect(redisUrl, prefix)`.
 */
export class FitClient extends ClusterClient {
  /** The fit records. */
  readonly fits = new FitStateStore(this.redis, this.prefix);

  /** {@link ClusterClient.onRunChange} for a fit. */
  onFitChange(fitId: string, onChange: () => void): () => void {
    return this.onRunChange(fitId, onChange);
  }
}
