import http from "node:http";
import https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "./storage-config.js";

/** Region used with a custom endpoint when none is configured (S3-compatible servers ignore it). */
const ENDPOINT_DEFAULT_REGION = "us-east-1";

/**
 * An S3 client for `settings`: path-style addressing when an endpoint is
 * given, checksums only where S3 requires them (S3-compatible servers
 * mishandle the SDK's default trailing checksums), the SDK's standard
 * retry mode, keep-alive sockets sized for the GET concurrency.
 */
export function createS3Client(settings: S3Settings): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: settings.maxConcurrentGets + 8 };
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
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    },
  });
}
