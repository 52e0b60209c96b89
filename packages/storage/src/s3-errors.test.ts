import { describe, expect, it } from "vitest";
import { isTransientError, toStoreError } from "./s3-errors.js";

const target = { op: "read", uri: "s3://b/k.png", bucket: "b", endpoint: "http://127.0.0.1:9" };

function sdkError(name: string, status?: number, extra: object = {}): Error {
  return Object.assign(
    new Error(`${name} happened`),
    { name, $metadata: { httpStatusCode: status, attempts: 3 } },
    extra,
  );
}

describe("S3 error mapping", () => {
  it("turns missing buckets and objects into NOT_FOUND and 403 into a plain-words IO_ERROR", () => {
    expect(toStoreError(sdkError("NoSuchBucket", 404), target)).toMatchObject({
      code: "NOT_FOUND",
      message: 'cannot read s3://b/k.png: bucket "b" does not exist',
    });
    expect(toStoreError(sdkError("NoSuchKey", 404), target).code).toBe("NOT_FOUND");
    const denied = toStoreError(sdkError("AccessDenied", 403), target);
    expect(denied.code).toBe("IO_ERROR");
    expect(denied.message).toMatch(/^cannot read s3:\/\/b\/k\.png: access denied \(HTTP 403/);
  });

  it("names the endpoint when it refuses connections, and keeps the cause", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      $metadata: { attempts: 5 },
    });
    const err = toStoreError(cause, target);
    expect(err.message).toBe(
      "cannot read s3://b/k.png: the S3 endpoint http://127.0.0.1:9 refused the connection (after 5 attempts)",
    );
    expect(err.cause).toBe(cause);
    expect(isTransientError(err)).toBe(true);
  });

  it("tells transient failures from permanent ones", () => {
    expect(isTransientError(sdkError("SlowDown", 503))).toBe(true);
    expect(isTransientError(sdkError("InternalError", 500))).toBe(true);
    expect(isTransientError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBe(
      true,
    );
    expect(isTransientError(sdkError("AccessDenied", 403))).toBe(false);
    expect(isTransientError(sdkError("NoSuchKey", 404))).toBe(false);
  });
});
