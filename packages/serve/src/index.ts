/**
 * `featurewise serve`: the job API and web console in front of a
 * featurewise cluster (docs/serve.md).
 */
export { startServer, REDACTED_LOG_PATHS, type FeaturewiseServer } from "./server.js";
export { SERVE_DEFAULTS, checkServeOptions, type ServeOptions } from "./serve-options.js";
export {
  createApiKey,
  hashToken,
  parseKeysFile,
  parseScopes,
  SCOPES,
  type ApiKey,
  type Scope,
} from "./api-keys.js";
export { AllowList } from "./allow-list.js";
export type { ReportRenderer } from "./console.js";
export type { RunKind, RunView } from "./run-kind.js";
