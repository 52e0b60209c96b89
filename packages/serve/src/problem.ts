/**
 * Errors as `application/problem+json` (RFC 9457) with featurewise's stable
 * codes: the HTTP status comes from core's error table, so an API error
 * means what the same code means to the CLI. Fastify's own errors (a body
 * too large, malformed JSON, a rate limit, an unknown route) are mapped to
 * codes here, once.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  ERROR_TABLE,
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  type ErrorCode,
} from "@featurewise/core";

/** A problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode | "INTERNAL";
  readonly instance?: string;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The problem document of an error thrown while serving `request`. */
export function problemOf(err: unknown, instance?: string): Problem {
  const known = toFeaturewiseError(err);
  if (known === null) {
    return {
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "the server failed to answer; its log has the details",
      code: "INTERNAL",
      ...(instance === undefined ? {} : { instance }),
    };
  }
  const status = ERROR_TABLE[known.code].httpStatus;
  return {
    type: `https://featurewise.dev/errors/${known.code}`,
    title: known.code,
    status,
    detail: known.message,
    code: known.code,
    ...(instance === undefined ? {} : { instance }),
  };
}

/** A featurewise error for what was thrown: ours as they are, Fastify's mapped by their code. */
function toFeaturewiseError(err: unknown): FeaturewiseError | null {
  if (isFeaturewiseError(err)) return err;
  const e = err as Partial<FastifyError> | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(err);
  const map: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: ErrorCodes.BODY_TOO_LARGE,
    FST_ERR_CTP_INVALID_JSON_BODY: ErrorCodes.INVALID_ARGUMENT,
    FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCodes.INVALID_ARGUMENT,
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCodes.INVALID_ARGUMENT,
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCodes.INVALID_ARGUMENT,
    FST_ERR_VALIDATION: ErrorCodes.INVALID_ARGUMENT,
  };
  const mapped = map[code];
  if (mapped !== undefined) return new FeaturewiseError(mapped, message);
  if (e?.statusCode === 429) return new FeaturewiseError(ErrorCodes.RATE_LIMITED, message);
  if (e?.statusCode === 400) return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
  return null;
}

/** Sends `err` as a problem document. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  err: unknown,
): FastifyReply {
  const problem = problemOf(err, request.url.split("?")[0]);
  if (problem.status >= 500) request.log.error({ err }, "request failed");
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
