import { ClusterClient } from "@featurewise/queue/client";
import { PredictStateStore } from "./predict-state.js";

/**
 * A cluster client that also reads and writes predict run records (`predict
 * --redis`, `status`, `cancel`, an HTTP API): `PredictClient.connect(redisUrl, prefix)`.
 */
export class PredictClient extends ClusterClient {
  /** The predict run records. */
  readonly predictions = new PredictStateStore(this.redis, this.prefix);
}
