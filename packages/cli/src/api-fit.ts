import type { FlagValue } from "@featurewise/core";
import { runFailedError } from "@featurewise/queue/settings";
import { ApiClient } from "./api-client.js";
import { followRun } from "./follow-run.js";
import { fitSummaryJson, formatFitSummary } from "./summary.js";

/** How `fit --api` (and `predict --api`) was asked to run. */
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
  const run = { id: fitId, named: `fit ${fitId}`, reach: `--api ${flags.api}` };
  const status = await followRun(run, (onProgress) =>
    client.follow(fitId, (s) => onProgress({ status: s, connected: true, noWorkers: false })),
  );
  if (status.state !== "succeeded") throw runFailedError(fitId, status);
  const result = await client.result(fitId);
  print(
    flags.json
      ? JSON.stringify({ fitId, ...fitSummaryJson(result) }, null, 2)
      : formatFitSummary(result),
  );
}
