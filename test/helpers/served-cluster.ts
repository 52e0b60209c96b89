import { writeFileSync } from "node:fs";
import path from "node:path";
import { ApiRecorder } from "./api-contract.js";
import { runCliOk } from "./cli.js";
import { startServe, type ServeProcess } from "./serve.js";
import { startWorker, type WorkerProcess } from "./workers.js";

/** `featurewise serve` and its workers, as the API tests run them. */
export interface ServedCluster {
  readonly server: ServeProcess;
  /** A token of the one key in `<work>/keys`. */
  readonly token: string;
  /** Records every answer for the contract check against /openapi.json. */
  readonly api: ApiRecorder;
}

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
  return { server, token: key.token, api: new ApiRecorder(server.url, Object.keys(doc.paths)) };
}
