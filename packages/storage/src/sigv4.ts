import { createHash, createHmac } from "node:crypto";

/** AWS credentials as the SDK's providers return them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request without a body (GET, HEAD) to sign. */
export interface UnsignedRequest {
  readonly method: string;
  /** The Host header: hostname, with `:port` when it is not the protocol's default. */
  readonly host: string;
  /** The path exactly as sent (already URI-encoded), without a query string. */
  readonly path: string;
  /** Further headers to sign, lower-case names (like `range`, `if-match`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** SHA-256 of the empty body, the payload hash S3 expects on a GET. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * Signs a body-less request with AWS Signature Version 4 as S3 expects it
 * (the path is signed as sent, not encoded again). Returns every header
 * to send: `host`, `x-amz-date`, `x-amz-content-sha256`, the session
 * token when there is one, `authorization`, and `request.headers`.
 * Derived signing keys are cached per day, region, service and secret.
 */
export class SigV4Signer {
  private keyScope = "";
  private key: Buffer | null = null;

  sign(
    request: UnsignedRequest,
    credentials: SigningCredentials,
    region: string,
    service: string,
    now: Date,
  ): Record<string, string> {
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {
      ...request.headers,
      host: request.host,
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": amzDate,
    };
    if (credentials.sessionToken !== undefined && credentials.sessionToken !== "") {
      headers["x-amz-security-token"] = credentials.sessionToken;
    }
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(";");
    let canonical = `${request.method}\n${request.path}\n\n`;
    for (const name of names)
      canonical += `${name}:${headers[name]!.trim().replace(/\s+/g, " ")}\n`;
    canonical += `\n${signedHeaders}\n${EMPTY_SHA256}`;
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac("sha256", this.signingKey(credentials, day, region, service))
      .update(stringToSign)
      .digest("hex");
    headers["authorization"] =
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(
    credentials: SigningCredentials,
    day: string,
    region: string,
    service: string,
  ): Buffer {
    const scope = `${day}\n${region}\n${service}\n${credentials.secretAccessKey}`;
    if (this.key === null || scope !== this.keyScope) {
      let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
      for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
      this.key = key;
      this.keyScope = scope;
    }
    return this.key;
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256Hex(data: string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Encodes an object key for an S3 request path the way the AWS SDK does:
 * each "/"-separated segment with encodeURIComponent plus `!'()*`.
 */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(encodeSegment).join("/");
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
