import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { DEFAULT_STORAGE_CONFIG, readStorageConfig } from "./storage-config.js";

describe("readStorageConfig", () => {
  it("reads the variables the AWS tools read, S3's endpoint first", () => {
    const c = readStorageConfig({
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL: "http://127.0.0.1:1/",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:2/",
      AWS_MAX_ATTEMPTS: "7",
    });
    expect(c.s3).toMatchObject({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:2",
      maxAttempts: 7,
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.s3)).toBe(true);
    expect(readStorageConfig({ AWS_DEFAULT_REGION: "us-west-2" }).s3.region).toBe("us-west-2");
    expect(readStorageConfig({})).toEqual(DEFAULT_STORAGE_CONFIG);
    expect(DEFAULT_STORAGE_CONFIG.s3.directGets).toBe(true);
    expect(readStorageConfig({ FEATUREWISE_S3_DIRECT_GETS: "0" }).s3.directGets).toBe(false);
    expect(DEFAULT_STORAGE_CONFIG.maxImageBytes).toBe(268_435_456);
    expect(readStorageConfig({ FEATUREWISE_MAX_IMAGE_BYTES: "1048576" }).maxImageBytes).toBe(
      1_048_576,
    );
  });

  it("rejects bad values at once, naming the variable", () => {
    const bad = [
      { AWS_ENDPOINT_URL: "127.0.0.1:9000" },
      { AWS_MAX_ATTEMPTS: "0" },
      { FEATUREWISE_S3_CONCURRENCY: "many" },
      { FEATUREWISE_S3_TIMEOUT_MS: "1.5" },
      { FEATUREWISE_S3_DIRECT_GETS: "yes" },
      { FEATUREWISE_MAX_IMAGE_BYTES: "2G" },
      { FEATUREWISE_MAX_IMAGE_BYTES: "10" },
    ];
    for (const env of bad) {
      let err: unknown;
      try {
        readStorageConfig(env);
      } catch (e) {
        err = e;
      }
      expect(isFeaturewiseError(err, "INVALID_ARGUMENT")).toBe(true);
      expect(String(err)).toContain(Object.keys(env)[0]!.replace("_URL", ""));
    }
  });
});
