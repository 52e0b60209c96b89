/**
 * API keys: a keys file holds one key a line, `<name> <scopes> <sha256 hex
 * of the token>` (scopes a comma-separated subset of read,submit,admin;
 * blank lines and `#` comments allowed). The server keeps only the hashes;
 * a presented token is hashed and compared with every key in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** What a key may do: read runs, submit and cancel them, administer the queues. */
export const SCOPES = ["read", "submit", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** One line of the keys file. */
export interface ApiKey {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** sha256 of the token, 32 bytes. */
  readonly hash: Buffer;
}

/** The sha256 of a token, as the keys file holds it (hex). */
export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * Parses a comma-separated scope list.
 * @throws FeaturewiseError INVALID_ARGUMENT naming `what` and the scope that is not one
 */
export function parseScopes(text: string, what: string): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const s of text.split(",")) {
    if (!(SCOPES as readonly string[]).includes(s)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${what}: scope ${JSON.stringify(s)} is not one of ${SCOPES.join(", ")}`,
      );
    }
    scopes.add(s as Scope);
  }
  return scopes;
}

/**
 * Parses a keys file's text.
 * @throws FeaturewiseError INVALID_ARGUMENT naming the file and line that is malformed
 */
export function parseKeysFile(text: string, file: string): ApiKey[] {
  const keys: ApiKey[] = [];
  const names = new Set<string>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${file} line ${i + 1}`;
    const parts = line.split(/\s+/);
    const [name, scopes, hex] = parts;
    if (parts.length !== 3 || name === undefined || scopes === undefined || hex === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${where}: expected "<name> <scopes> <sha256 hex of the token>", got ${parts.length} fields`,
      );
    }
    if (!/^[0-9a-f]{64}$/i.test(hex)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${where}: the third field must be 64 hex digits (the token's sha256)`,
      );
    }
    if (names.has(name)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `${where}: key ${name} appears twice`,
      );
    }
    names.add(name);
    keys.push({ name, scopes: parseScopes(scopes, where), hash: Buffer.from(hex, "hex") });
  });
  return keys;
}

/**
 * The key whose hash is the token's, or null. Every key is compared, each
 * in constant time, so the time taken says nothing about the token.
 */
export function findKey(keys: readonly ApiKey[], token: string): ApiKey | null {
  const hash = hashToken(token);
  let found: ApiKey | null = null;
  for (const key of keys) {
    if (timingSafeEqual(key.hash, hash) && found === null) found = key;
  }
  return found;
}

/** A new key: the token (shown once) and the keys-file line that admits it. */
export function createApiKey(
  name: string,
  scopes: ReadonlySet<Scope>,
): { token: string; line: string } {
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--name ${JSON.stringify(name)}: expected 1-64 letters, digits, '.', '_', '@' or '-'`,
    );
  }
  const token = `fw_${randomBytes(32).toString("base64url")}`;
  const ordered = SCOPES.filter((s) => scopes.has(s));
  return { token, line: `${name} ${ordered.join(",")} ${hashToken(token).toString("hex")}` };
}
