import { ErrorCodes, FeaturewiseError, type FlagValue } from "@featurewise/core";
import type { FitStatus } from "@featurewise/fit/cluster/client";
import { ApiClient } from "./api-client.js";
import { ClusterProgressLine } from "./cluster-progress.js";
import { fitSummaryJson, formatFitSummary } from "./summary.js";

/** How `fit --api` was asked to run. */
export interface ApiFitFlags {
  readonly api: string;
  readonly detach: boolean;
  readonly json: boolean;
}

/** The client `--api <url>` names, with the token from FEATUREWISE_API_TOKEN. */
export function apiClient(url: string): ApiClient {
  return new ApiClient(url, process.env["FEATUREWISE_API_TOKEN"]);
}

/**
 * `featurewise fit --api <url>`: submits the fit to `featurewise serve`,
 * then prints its id (`--detach`) or follows its events with the same
 * progress line and summary as `fit --redis`.
 */
export async function runApiFit(
  source: string,
  fitFlags: Readonly<Record<string, FlagValue>>,
  flags: ApiFitFlags,
  print: (text: string) => void,
): Promise<void> {
  const client = apiClient(flags.api);
  const fitId = await client.submitFit(source, fitFlags);
  process.stderr.write(`featurewise: submitted fit ${fitId} to ${flags.api}\n`);
  if (flags.detach) {
    print(flags.json ? JSON.stringify({ fitId, state: "queued" }, null, 2) : fitId);
    return;
  }
  const line = new ClusterProgressLine();
  const onInterrupt = (): void => {
    line.clear();
    process.stderr.write(
      `featurewise: fit ${fitId} goes on running on the cluster; ` +
        `featurewise status ${fitId} --api ${flags.api} | featurewise cancel ${fitId} --api ${flags.api}\n`,
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    const status = await client.follow(fitId, (s) =>
      line.update({ status: s, connected: true, noWorkers: false }),
    );
    line.clear();
    if (status.state !== "succeeded") throw failedError(status);
    const result = await client.result(fitId);
    print(
      flags.json
        ? JSON.stringify({ fitId, ...fitSummaryJson(result) }, null, 2)
        : formatFitSummary(result),
    );
  } finally {
    process.off("SIGINT", onInterrupt);
    line.clear();
  }
}

/** The error a fit that did not succeed ends with, as `fit --redis` words it (fit-outcome.ts). */
function failedError(s: FitStatus): FeaturewiseError {
  if (s.state === "cancelled")
    return new FeaturewiseError(ErrorCodes.CANCELLED, `fit ${s.fitId} was cancelled`);
  const f = s.failure;
  return new FeaturewiseError(
    f?.code ?? ErrorCodes.JOB_FAILED,
    `fit ${s.fitId} failed: ${f === null ? "unknown reason" : f.message}` +
      (f !== null && f.job !== "" ? ` (job ${f.job})` : ""),
  );
}
