import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { parseLocation } from "./uri.js";

function refusal(uri: string): string {
  try {
    parseLocation(uri);
  } catch (err) {
    expect(isFeaturewiseError(err, "INVALID_ARGUMENT"), String(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error(`${uri} was accepted`);
}

describe("parseLocation on s3:// URIs", () => {
  it("takes valid bucket names and keys", () => {
    expect(parseLocation("s3://my-data.2026/train/x.png")).toEqual({
      scheme: "s3",
      bucket: "my-data.2026",
      key: "train/x.png",
    });
    expect(parseLocation("s3://abc")).toEqual({ scheme: "s3", bucket: "abc", key: "" });
    expect(parseLocation("s3://abc/a..b/.hidden/x")).toMatchObject({ key: "a..b/.hidden/x" });
  });

  it.each([
    ["s3://../x", "2 characters (3 to 63 expected)"],
    ["s3://.../x", "only lowercase letters, digits, dots and hyphens, starting and ending"],
    ["s3://My_Bucket/x", "only lowercase letters, digits, dots and hyphens"],
    ["s3://a..b/x", 'two dots in a row (".." is not allowed)'],
    ["s3://192.168.1.10/x", "formatted as an IP address"],
    ["s3://xn--abc/x", "a reserved prefix or suffix"],
    ["s3://data-s3alias/x", "a reserved prefix or suffix"],
    [`s3://${"a".repeat(64)}/x`, "64 characters (3 to 63 expected)"],
  ])("refuses the bucket of %s, saying why", (uri, why) => {
    expect(refusal(uri)).toContain(why);
    expect(refusal(uri)).toContain("is not a valid S3 bucket name");
  });

  it.each(["s3://data/../x", "s3://data/train/../../etc", "s3://data/./x", "s3://data/a/.."])(
    "refuses %s: no . or .. segments in a key",
    (uri) => {
      expect(refusal(uri)).toMatch(/: a "\.{1,2}" segment in an S3 key is not allowed/);
    },
  );
});
