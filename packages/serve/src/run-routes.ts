/**
 * `/v1/<runs>` for one {@link RunKind}: submit (with Idempotency-Key),
 * list (paged, by state), read, cancel, events (SSE) and the result.
 */
import type { FastifyRequest } from "fastify";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { AllowList } from "./allow-list.js";
import { RUN_STATES } from "./api-schemas.js";
import type { IdempotencyStore } from "./idempotency.js";
import { authErrors, type RouteTable } from "./route-table.js";
import { streamRunEvents } from "./run-events.js";
import type { RunKind, RunView } from "./run-kind.js";
import type { ServeMetrics } from "./metrics.js";

/** What the run routes share with the rest of the server. */
export interface RunRouteContext {
  readonly allow: AllowList;
  readonly idempotency: IdempotencyStore;
  readonly metrics: ServeMetrics;
  /** Between reads of a run for its event stream. */
  readonly eventPollMs: number;
}

/** The links of a run. */
export function runLinks(path: string, id: string): Record<string, string> {
  const self = `/v1/${path}/${id}`;
  return { self, events: `${self}/events`, cancel: `${self}/cancel`, artifact: `${self}/artifact` };
}

/** A run with its links. */
function withLinks(path: string, view: RunView): Record<string, unknown> {
  return { ...view, links: runLinks(path, view.id) };
}

/** The `:id` of a request. */
function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/** Registers the kind's routes. */
export function addRunRoutes<O>(table: RouteTable, kind: RunKind<O>, ctx: RunRouteContext): void {
  const base = `/v1/${kind.path}`;
  const tag = kind.path;
  const notFound = (id: string): FeaturewiseError =>
    new FeaturewiseError(
      ErrorCodes.NOT_FOUND,
      `no ${kind.kind} ${id} (never submitted, or expired)`,
    );
  const mustRead = async (id: string): Promise<RunView> => {
    const view = await kind.read(id);
    if (view === null) throw notFound(id);
    return view;
  };
  const notFoundResponse = { 404: { description: "unknown id (NOT_FOUND)", schema: "Problem" } };

  table.add({
    method: "POST",
    url: base,
    scope: "submit",
    tag,
    summary: `submit a ${kind.kind}`,
    body: `${kind.title}Request`,
    headers: {
      "Idempotency-Key": {
        schema: { type: "string", maxLength: 200 },
        description: "a retried POST with the same key and body returns the same run (24 h)",
      },
    },
    responses: {
      202: {
        description: "submitted (or the run an earlier request with this Idempotency-Key made)",
        schema: "Submitted",
      },
      400: { description: "the body does not validate (INVALID_ARGUMENT)", schema: "Problem" },
      413: { description: "the body is over the limit (BODY_TOO_LARGE)", schema: "Problem" },
      ...authErrors("submit"),
      403: {
        description:
          "the key lacks the submit scope, or a location is outside the allow-list (FORBIDDEN)",
        schema: "Problem",
      },
    },
    async handler(request, reply) {
      const parsed = kind.parse(request.body);
      const checked: Record<string, string> = {};
      for (const [field, location] of Object.entries(kind.locations(parsed)))
        checked[field] = ctx.allow.check(field, location);
      const options = kind.withLocations(parsed, checked);
      const submit = async (): Promise<string> => {
        const id = await kind.submit(options);
        ctx.metrics.submitted(kind.kind);
        request.log.info({ runId: id }, `submitted ${kind.kind}`);
        return id;
      };
      const header = request.headers["idempotency-key"];
      const idempotencyKey = Array.isArray(header) ? header[0] : header;
      const { id } =
        idempotencyKey === undefined
          ? { id: await submit() }
          : await ctx.idempotency.once(request.apiKeyName, idempotencyKey, request.body, submit);
      const view = await kind.read(id);
      const links = runLinks(kind.path, id);
      return reply
        .code(202)
        .header("location", links.self)
        .send({ id, state: view?.state ?? "queued", links });
    },
  });

  table.add({
    method: "GET",
    url: base,
    scope: "read",
    tag,
    summary: `list ${kind.path}, newest first`,
    query: {
      state: { schema: { enum: RUN_STATES }, description: "only runs in this state" },
      limit: {
        schema: { type: "integer", minimum: 1, maximum: 100 },
        description: "page size (default 20)",
      },
      cursor: { schema: { type: "string" }, description: "the `next` of the previous page" },
    },
    responses: {
      200: { description: "a page of runs", schema: "RunPage" },
      400: { description: "a malformed query (INVALID_ARGUMENT)", schema: "Problem" },
      ...authErrors("read"),
    },
    async handler(request) {
      const q = request.query as Record<string, string | undefined>;
      const limit = q["limit"] === undefined ? 20 : Number(q["limit"]);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          `limit ${q["limit"]}: expected an integer from 1 to 100`,
        );
      const state = q["state"];
      if (state !== undefined && !RUN_STATES.includes(state))
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          `state ${JSON.stringify(state)}: expected one of ${RUN_STATES.join(", ")}`,
        );
      const cursor = q["cursor"];
      if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(cursor))
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          "cursor: expected the `next` of a previous page",
        );
      const items: Record<string, unknown>[] = [];
      let next: string | null = cursor ?? null;
      // A state filter reads on until the page is full, at most 20 index pages.
      for (let round = 0; round < 20 && items.length < limit; round++) {
        const page = await kind.list(limit - items.length, next ?? undefined);
        const views = await Promise.all(page.ids.map((id) => kind.read(id)));
        for (const v of views) {
          if (v !== null && (state === undefined || v.state === state))
            items.push(withLinks(kind.path, v));
        }
        next = page.next;
        if (next === null) break;
      }
      return { items, next };
    },
  });

  table.add({
    method: "GET",
    url: `${base}/:id`,
    scope: "read",
    tag,
    summary: `a ${kind.kind}'s state, progress, failure and artifact location`,
    responses: {
      200: { description: `the ${kind.kind}`, schema: "Run" },
      ...notFoundResponse,
      ...authErrors("read"),
    },
    async handler(request) {
      return withLinks(kind.path, await mustRead(idOf(request)));
    },
  });

  table.add({
    method: "POST",
    url: `${base}/:id/cancel`,
    scope: "submit",
    tag,
    summary: `cancel a ${kind.kind} (its jobs end as workers take them)`,
    responses: {
      200: { description: "what cancelling did", schema: "Cancel" },
      ...notFoundResponse,
      ...authErrors("submit"),
    },
    async handler(request) {
      const id = idOf(request);
      await mustRead(id);
      return kind.cancel(id);
    },
  });

  table.add({
    method: "GET",
    url: `${base}/:id/events`,
    scope: "read",
    tag,
    summary: `Server-Sent Events: each change of the ${kind.kind}'s state (with ids, resumable with Last-Event-ID) and its progress`,
    headers: {
      "Last-Event-ID": {
        schema: { type: "string", pattern: "^[0-9]+-[0-9]+$" },
        description: "resume after this event (what the stream last sent as `id:`)",
      },
    },
    responses: {
      200: {
        description: "events: `state` (with an id) and `progress` (without)",
        contentType: "text/event-stream",
      },
      400: { description: "a malformed Last-Event-ID (INVALID_ARGUMENT)", schema: "Problem" },
      ...notFoundResponse,
      ...authErrors("read"),
    },
    async handler(request, reply) {
      const id = idOf(request);
      await mustRead(id);
      await streamRunEvents(request, reply, kind, id, ctx.eventPollMs);
    },
  });

  table.add({
    method: "GET",
    url: `${base}/:id/artifact`,
    scope: "read",
    tag,
    summary: `a succeeded ${kind.kind}'s result: stats.json's content and the files' locations`,
    responses: {
      200: { description: "the artifact", schema: `${kind.title}Result` },
      404: {
        description: "unknown id, or no artifact (yet): the run has not succeeded (NOT_FOUND)",
        schema: "Problem",
      },
      ...authErrors("read"),
    },
    async handler(request) {
      const view = await mustRead(idOf(request));
      if (view.state !== "succeeded" || view.artifact === null)
        throw new FeaturewiseError(
          ErrorCodes.NOT_FOUND,
          `${kind.kind} ${view.id} has no artifact: it is ${view.state}`,
        );
      return kind.result(view);
    },
  });
}
