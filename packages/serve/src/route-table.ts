/**
 * The API's routes as data: each is registered with Fastify and described
 * in the OpenAPI document from the same entry, so the document cannot miss
 * a route or a scope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Scope } from "./api-keys.js";

/** One answer a route may give. */
export interface RouteResponse {
  readonly description: string;
  /** A `#/components/schemas/...` name, or an inline schema. */
  readonly schema?: string | Record<string, unknown>;
  /** @defaultValue "application/json" ("application/problem+json" for 4xx/5xx) */
  readonly contentType?: string;
}

/** One route. */
export interface RouteSpec {
  readonly method: "GET" | "POST";
  /** Fastify's form (`/v1/fits/:id`). */
  readonly url: string;
  /** The scope a key needs; undefined for public routes. */
  readonly scope?: Scope;
  readonly summary: string;
  readonly tag: string;
  readonly query?: Record<string, { schema: Record<string, unknown>; description: string }>;
  readonly headers?: Record<string, { schema: Record<string, unknown>; description: string }>;
  /** A `#/components/schemas/...` name, or an inline schema. */
  readonly body?: string | Record<string, unknown>;
  readonly responses: Record<number, RouteResponse>;
  /** Left out of the OpenAPI document (the console's HTML pages). */
  readonly hidden?: boolean;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** The routes registered so far, in order. */
export class RouteTable {
  readonly routes: RouteSpec[] = [];

  constructor(private readonly app: FastifyInstance) {}

  add(spec: RouteSpec): void {
    this.routes.push(spec);
    this.app.route({
      method: spec.method,
      url: spec.url,
      config: { scope: spec.scope },
      handler: spec.handler,
    });
  }
}

/** Errors every authenticated route may answer with. */
export function authErrors(scope: Scope | undefined): Record<number, RouteResponse> {
  if (scope === undefined) return {};
  return {
    401: { description: "no token, or an unknown one (UNAUTHORIZED)", schema: "Problem" },
    403: { description: `the key lacks the "${scope}" scope (FORBIDDEN)`, schema: "Problem" },
    429: { description: "the key's rate limit (RATE_LIMITED)", schema: "Problem" },
  };
}
