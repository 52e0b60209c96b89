/**
 * `Idempotency-Key`: a retried POST with the same key (from the same API
 * key) and the same body gets the run the first one made, for 24 hours.
 * The first request claims the key in Redis (SET NX) before it submits, so
 * two racing retries make one run; a reuse with another body is refused.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

const TTL_SECONDS = 24 * 3600;
/** How long a claim may stay unfinished (a submit takes milliseconds). */
const PENDING_SECONDS = 30;

export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * The run made for this key, or null after claiming it for `submit`:
   * then calls `submit` and records its run id.
   * @throws FeaturewiseError INVALID_ARGUMENT when the key was used with another body
   */
  async once(
    owner: string,
    idempotencyKey: string,
    body: unknown,
    submit: () => Promise<string>,
  ): Promise<{ id: string; replayed: boolean }> {
    if (!/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        "Idempotency-Key: expected 1-200 printable ASCII characters",
      );
    }
    const key = `${this.prefix}:api:idempotency:${sha256(`${owner}\n${idempotencyKey}`)}`;
    const fingerprint = sha256(JSON.stringify(body));
    const claimed = await this.redis.set(key, `${fingerprint} `, "EX", PENDING_SECONDS, "NX");
    if (claimed === "OK") {
      try {
        const id = await submit();
        await this.redis.set(key, `${fingerprint} ${id}`, "EX", TTL_SECONDS);
        return { id, replayed: false };
      } catch (err) {
        await this.redis.del(key);
        throw err;
      }
    }
    for (let i = 0; i < PENDING_SECONDS * 10; i++) {
      const value = (await this.redis.get(key)) ?? "";
      const [seen, id = ""] = value.split(" ");
      if (value !== "" && seen !== fingerprint) {
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          "Idempotency-Key was already used with another request body",
        );
      }
      if (id !== "") return { id, replayed: true };
      if (value === "") return this.once(owner, idempotencyKey, body, submit);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new FeaturewiseError(
      ErrorCodes.IO_ERROR,
      "Idempotency-Key: the first request never finished",
    );
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
