import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, encodeKeyPath, SigV4Signer, type SigningCredentials } from "./sigv4.js";

/** What the SDK signer hashes (its SourceData). */
type Data = string | ArrayBuffer | ArrayBufferView;

function bytes(data: Data): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** node:crypto as the SDK signer's hash constructor. */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: Data): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

/** The Authorization header the AWS SDK's own signer computes, S3-style (path not re-encoded). */
async function sdkAuthorization(
  host: string,
  path: string,
  headers: Record<string, string>,
  credentials: SigningCredentials,
  region: string,
  date: Date,
): Promise<string> {
  const signer = new SignatureV4({
    credentials,
    region,
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    {
      method: "GET",
      protocol: "https:",
      hostname: host,
      path,
      query: {},
      headers: { ...headers, host, "x-amz-content-sha256": EMPTY_SHA256 },
    },
    { signingDate: date },
  );
  return signed.headers["authorization"]!;
}

const EXAMPLE = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

describe("SigV4Signer", () => {
  it("reproduces AWS's published example of a signed S3 GET", () => {
    const headers = new SigV4Signer().sign(
      {
        method: "GET",
        host: "examplebucket.s3.amazonaws.com",
        path: "/test.txt",
        headers: { range: "bytes=0-9" },
      },
      EXAMPLE,
      "us-east-1",
      "s3",
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(headers).toEqual({
      host: "examplebucket.s3.amazonaws.com",
      range: "bytes=0-9",
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": "20130524T000000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    });
  });

  it("signs exactly as the SDK's signer does: odd keys, session tokens, resumes, new days", async () => {
    const signer = new SigV4Signer();
    const cases = [
      { key: "images/class-0001/img-0000001.png", extra: {} },
      { key: "odd/with space+plus=eq&amp;.bin", extra: { range: "bytes=100-" } },
      { key: "odd/ünïcødé-ß/日本語/emoji-😀.bin", extra: { "if-match": '"0123abcd"' } },
      { key: "odd/!'()*~-_.bin", extra: { range: "bytes=5-", "if-match": '"x"' } },
      { key: "a//b/./../c", extra: {} },
    ];
    const creds: SigningCredentials[] = [
      EXAMPLE,
      { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "s3cr3t/+=", sessionToken: "tok/en+==" },
    ];
    const dates = [new Date("2026-11-26T23:59:59.999Z"), new Date("2026-11-27T00:00:01Z")];
    for (const c of cases) {
      for (const credentials of creds) {
        for (const date of dates) {
          for (const region of ["us-east-1", "eu-west-1"]) {
            const host = "127.0.0.1:4599";
            const path = `/bucket/${encodeKeyPath(c.key)}`;
            const ours = signer.sign(
              { method: "GET", host, path, headers: c.extra },
              credentials,
              region,
              "s3",
              date,
            );
            const theirs = await sdkAuthorization(host, path, c.extra, credentials, region, date);
            expect(ours["authorization"], `${c.key} ${region} ${date.toISOString()}`).toBe(theirs);
            expect(ours["x-amz-security-token"]).toBe(credentials.sessionToken);
          }
        }
      }
    }
  });

  it("encodes keys segment by segment like the SDK's path serializer", () => {
    expect(encodeKeyPath("a b/c+d/ü/(x)!*'~")).toBe("a%20b/c%2Bd/%C3%BC/%28x%29%21%2A%27~");
    expect(encodeKeyPath("dir//x")).toBe("dir//x");
  });
});
