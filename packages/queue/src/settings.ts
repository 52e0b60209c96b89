/**
 * What a CLI needs to name a cluster before it connects to one (queue
 * prefix, retry defaults, Redis URL checks) and to report a run that did
 * not succeed (also over HTTP): no ioredis, no BullMQ, so
 * every command can import it at start. `@featurewise/queue/client` and
 * `@featurewise/queue` export it too.
 */
export {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RETRY,
  QUEUE_PREFIX_PATTERN,
  RETENTION_SECONDS,
  type ClusterSettings,
  type RetrySettings,
} from "./cluster-settings.js";
export { parseRedisUrl, redactRedisUrl } from "./redis-url.js";
export { runFailedError } from "./run-failed-error.js";
