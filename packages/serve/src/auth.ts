/**
 * Who a request is: its bearer token (or the console's cookie) looked up in
 * the keys, and whether that key has the scope a route needs.
 */
import type { FastifyRequest } from "fastify";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { findKey, type ApiKey, type Scope } from "./api-keys.js";

/**
 * Sets `request.apiKeyName` when the request's key has `scope`.
 * `keys` null serves without authentication (every request is "local").
 * @throws FeaturewiseError UNAUTHORIZED without a known token; FORBIDDEN without the scope
 */
export function authorize(
  request: FastifyRequest,
  keys: readonly ApiKey[] | null,
  scope: Scope,
): void {
  if (keys === null) {
    request.apiKeyName = "local";
    return;
  }
  const token = bearerToken(request.headers.authorization) ?? cookieToken(request.headers.cookie);
  if (token === null) {
    throw new FeaturewiseError(
      ErrorCodes.UNAUTHORIZED,
      "no API token: send Authorization: Bearer <token> (featurewise keys create)",
    );
  }
  const key = findKey(keys, token);
  if (key === null)
    throw new FeaturewiseError(ErrorCodes.UNAUTHORIZED, "the API token is not a known key");
  if (!key.scopes.has(scope)) {
    throw new FeaturewiseError(
      ErrorCodes.FORBIDDEN,
      `key ${key.name} lacks the "${scope}" scope that ${request.method} ${request.routeOptions.url ?? request.url} needs`,
    );
  }
  request.apiKeyName = key.name;
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/** The console's session cookie (`fw_token`), or null. */
function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "fw_token" && rest.length > 0) return decodeURIComponent(rest.join("="));
  }
  return null;
}
