import { writeFileSync } from "node:fs";
import path from "node:path";
import { ApiRecorder } from "./api-contract.js";
import { runCliOk } from "./cli.js";
import { readEvents, startServe, type ServeProcess, type SseEvent } from "./serve.js";
import { startWorker, type WorkerProcess } from "./workers.js";

/** `featurewise serve` and its workers, as the API tests run them. */
export interface ServedCluster {
  readonly server: ServeProcess;
  /** A token of the one key in `<work>/keys`. */
  readonly token: string;
  /** Records every answer for the contract check against /openapi.json. */
  readonly api: ApiRecorder;
  /**
   * A run's events from `lastEventId` (or the start) until the stream ends
   * or `stopAfter` says stop, the answer recorded for the contract.
   */
  follow(
    runs: "fits" | "predictions",
    id: string,
    lastEventId?: string,
    stopAfter?: (e: SseEvent) => boolean,
  ): Promise<SseEvent[]>;
}

/** The names of the states in `events`, in order. */
export const stateNames = (events: readonly SseEvent[]): string[] =>
  events.filter((e) => e.event === "state").map((e) => String(e.data["state"]));

/**
 * Writes a key with `scopes` to `<work>/keys` (through `featurewise keys
 * create`), then starts `featurewise serve` with it and the `allow`
 * prefixes, and two workers, side by side, all on `prefix`. The workers go
 * into `workers` as they start, so the caller's tear-down stops them even
 * when the server does not start.
 */
export async function startServedCluster(o: {
  readonly redisUrl: string;
  readonly prefix: string;
  /** The object store's environment (s3rver's). */
  readonly env: Record<string, string>;
  readonly work: string;
  readonly scopes: string;
  readonly allow: readonly string[];
  readonly workers: WorkerProcess[];
}): Promise<ServedCluster> {
  const create = ["keys", "create", "--name", "ops", "--scopes", o.scopes, "--json"];
  const key = JSON.parse((await runCliOk(create)).stdout) as { token: string; line: string };
  const keys = path.join(o.work, "keys");
  writeFileSync(keys, `# test keys\n${key.line}\n`);
  const cluster = { REDIS_URL: o.redisUrl, FEATUREWISE_QUEUE_PREFIX: o.prefix, ...o.env };
  const [server] = await Promise.all([
    startServe(["--keys", keys, ...o.allow.flatMap((a) => ["--allow", a])], cluster),
    ...["w1", "w2"].map(async (name) =>
      o.workers.push(
        await startWorker({ redisUrl: o.redisUrl, prefix: o.prefix, name, env: o.env }),
      ),
    ),
  ]);
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: object };
  const api = new ApiRecorder(server.url, Object.keys(doc.paths));
  const follow: ServedCluster["follow"] = async (runs, id, lastEventId, stopAfter) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key.token}` };
    if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
    const events = await readEvents(`${server.url}/v1/${runs}/${id}/events`, headers, stopAfter);
    const route = `/v1/${runs}/{id}/events`;
    api.record({
      method: "GET",
      path: route,
      status: 200,
      contentType: "text/event-stream",
      body: "",
    });
    return events;
  };
  return { server, token: key.token, api, follow };
}
