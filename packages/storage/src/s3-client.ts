import http from "node:http";
import https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Agents } from "./s3-direct-get.js";
import type { S3Settings } from "./storage-config.js";

/** Region used with a custom endpoint when none is configured (S3-compatible servers ignore it). */
const ENDPOINT_DEFAULT_REGION = "us-east-1";

/** Keep-alive agents sized for `settings`' GET concurrency. */
export function createS3Agents(settings: S3Settings): S3Agents {
  const agentOptions = { keepAlive: true, maxSockets: settings.maxConcurrentGets + 8 };
  return { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
}

/**
 * The SDK prints an 8-line NodeVersionSupportWarning (later SDK releases
 * will need Node 22) on stderr when the first client is made under Node 20,
 * which would break the CLI's promise of one-line errors. The SDK here is
 * pinned, so the notice does not concern this install: set the SDK's own
 * switch, read when a client is constructed, unless the user set it.
 */
function silenceNodeVersionNotice(): void {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
}

/**
 * An S3 client for `settings`: path-style addressing when an endpoint is
 * given, checksums only where S3 requires them (S3-compatible servers
 * mishandle the SDK's default trailing checksums), the SDK's standard
 * retry mode, keep-alive sockets sized for the GET concurrency (`agents`).
 */
export function createS3Client(
  settings: S3Settings,
  agents: S3Agents = createS3Agents(settings),
): S3Client {
  silenceNodeVersionNotice();
  const region =
    settings.region ?? (settings.endpoint === undefined ? undefined : ENDPOINT_DEFAULT_REGION);
  return new S3Client({
    ...(region === undefined ? {} : { region }),
    ...(settings.endpoint === undefined
      ? {}
      : { endpoint: settings.endpoint, forcePathStyle: true }),
    maxAttempts: settings.maxAttempts,
    retryMode: "standard",
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      httpAgent: agents.http,
      httpsAgent: agents.https,
    },
  });
}
