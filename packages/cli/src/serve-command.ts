import { readFileSync } from "node:fs";
import { Command } from "commander";
import { ErrorCodes, FeaturewiseError, parseBytes, parsePositiveInt } from "@featurewise/core";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { addClusterOptions, clusterTarget, type ClusterFlags } from "./cluster-options.js";

interface ServeFlags extends ClusterFlags {
  host: string;
  port: string;
  keys?: string;
  allow: string[];
  insecureNoAuth?: boolean;
  bodyLimit: string;
  rateLimit: string;
  logLevel: string;
}

/** The server's package (Fastify, prom-client), loaded only by `serve` and `keys`. */
const serve = () => import("@featurewise/serve");

/** `featurewise serve`: the job API and web console (docs/serve.md). */
export function serveCommand(): Command {
  const cmd = new Command("serve")
    .description("serve the job API and web console in front of the cluster (docs/serve.md)")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--keys <file>", "API keys, one a line: <name> <scopes> <sha256 of the token>")
    .option(
      "--allow <uri-prefix>",
      "a location prefix requests may name (repeat; e.g. s3://bucket/data/ or /data/images/)",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option("--insecure-no-auth", "serve without API keys (only on 127.0.0.1)")
    .option("--body-limit <bytes>", "largest request body", "64K")
    .option("--rate-limit <n>", "requests a minute per key", "600")
    .option("--log-level <level>", "pino log level (fatal|error|warn|info|debug)", "info");
  addClusterOptions(cmd);
  return cmd.action(async (flags: ServeFlags) => {
    const target = clusterTarget(flags, process.env);
    if (flags.keys === undefined && flags.insecureNoAuth !== true) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        "no --keys file: create keys with `featurewise keys create --name <n> --scopes read,submit`, " +
          "or pass --insecure-no-auth to serve without them on 127.0.0.1",
      );
    }
    const s = await serve();
    const keys =
      flags.keys === undefined ? null : s.parseKeysFile(readKeys(flags.keys), flags.keys);
    const storage = new Storage(readStorageConfig(process.env));
    const server = await s.startServer({
      redisUrl: target.redisUrl,
      prefix: target.prefix,
      host: flags.host,
      port: Number.parseInt(flags.port, 10),
      keys,
      allow: flags.allow,
      storage,
      bodyLimit: parseBytes("--body-limit", flags.bodyLimit),
      rateLimitPerMinute: parsePositiveInt("--rate-limit", flags.rateLimit),
      requestTimeoutMs: s.SERVE_DEFAULTS.requestTimeoutMs,
      eventPollMs: s.SERVE_DEFAULTS.eventPollMs,
      logLevel: flags.logLevel,
      // The console's report pages: the same HTML as `featurewise report`, loaded on first use.
      renderReport: async (_kind, location) => {
        const { renderReport } = await import("@featurewise/report");
        return renderReport(location, { storage });
      },
    });
    // Whatever the log level: scripts wait for this line.
    process.stderr.write(`featurewise: serve listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        void server.close().finally(() => {
          storage.close();
          resolve();
        });
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
  });
}

function readKeys(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `--keys ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** `featurewise keys create`: a new API token, printed once, and its keys-file line. */
export function keysCommand(print: (text: string) => void): Command {
  const create = new Command("create")
    .description("make a new API token; prints it once, and the line to add to the keys file")
    .requiredOption("--name <name>", "the key's name (in logs and rate limits)")
    .option("--scopes <list>", "comma-separated: read,submit,admin", "read")
    .option("--json", "print {name, scopes, token, line} as JSON")
    .action(async (flags: { name: string; scopes: string; json?: boolean }) => {
      const s = await serve();
      const scopes = s.parseScopes(flags.scopes, "--scopes");
      const { token, line } = s.createApiKey(flags.name, scopes);
      print(
        flags.json === true
          ? JSON.stringify({ name: flags.name, scopes: [...scopes], token, line }, null, 2)
          : `token (shown once; give it as FEATUREWISE_API_TOKEN or Authorization: Bearer):\n  ${token}\n` +
              `line for the keys file (--keys):\n  ${line}`,
      );
    });
  return new Command("keys")
    .description("manage the API keys of featurewise serve")
    .addCommand(create);
}
