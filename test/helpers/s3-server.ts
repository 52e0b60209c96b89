import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, vi } from "vitest";
import { readStorageConfig, Storage } from "@featurewise/storage";

const CHILD = fileURLToPath(new URL("./s3rver-child.mjs", import.meta.url));

/** A running s3rver on 127.0.0.1 with its data in a temporary folder. */
export interface S3Server {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Environment for a featurewise process that should use this server. */
  readonly env: Record<string, string>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver 3.7.1 in a child process (it needs Node's legacy OpenSSL
 * provider for paginated listings) with the given buckets, accepting
 * `keyPair` beside its own S3RVER credentials when given.
 */
export async function startS3Server(
  buckets: readonly string[],
  keyPair?: { accessKeyId: string; secretAccessKey: string },
): Promise<S3Server> {
  const dir = mkdtempSync(path.join(tmpdir(), "fw-s3rver-"));
  const pair =
    keyPair === undefined
      ? {}
      : { FW_S3RVER_KEY_PAIR: `${keyPair.accessKeyId}:${keyPair.secretAccessKey}` };
  const child = spawn(process.execPath, ["--openssl-legacy-provider", CHILD, dir, ...buckets], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NODE_OPTIONS: "", ...pair },
  });
  const port = await readPort(child);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    env: s3Env(endpoint),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.stdin?.end();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An s3rver for one test file, and a Storage configured for it (valid inside the file's tests). */
export interface S3Fixture {
  readonly server: S3Server;
  readonly storage: Storage;
}

/**
 * Starts an s3rver with `buckets` before the file's tests, points this
 * process' AWS variables at it and opens a Storage on it; undoes all of it
 * after them.
 */
export function useS3Server(buckets: readonly string[]): S3Fixture {
  let server: S3Server | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    server = await startS3Server(buckets);
    for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
    storage = new Storage(readStorageConfig(server.env));
  });
  afterAll(async () => {
    storage?.close();
    await server?.stop();
    vi.unstubAllEnvs();
  });
  return {
    get server() {
      if (server === undefined) throw new Error("the s3rver starts in beforeAll");
      return server;
    },
    get storage() {
      if (storage === undefined) throw new Error("the s3rver starts in beforeAll");
      return storage;
    },
  };
}

/** The AWS variables that point a featurewise process at `endpoint` with dummy credentials. */
export function s3Env(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    // Never let the SDK's credential chain reach for the EC2 metadata address.
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code}`)));
    lines.once("line", (line) => {
      lines.close();
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
}
