/**
 * The web console (server-rendered HTML, a little plain JS): `/` lists the
 * runs with live progress (SSE), `/runs/:id` shows one with cancel and its
 * report, `/login` sets the session cookie a browser sends instead of a
 * bearer header (HttpOnly, SameSite=Strict). Also `/openapi.json` and the
 * `/docs` page (no CDN, no network).
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { findKey, type ApiKey } from "./api-keys.js";
import { esc, page } from "./html.js";
import type { RouteTable } from "./route-table.js";
import type { RunKind, RunView } from "./run-kind.js";
import { runLinks } from "./run-routes.js";

/**
 * Renders a finished run's report (self-contained HTML) from its result
 * location. The report package's renderer is plugged in here; without one
 * the run page shows the artifact's summary only.
 */
export type ReportRenderer = (kind: string, location: string) => Promise<string>;

export interface ConsoleContext {
  readonly kinds: readonly RunKind<unknown>[];
  /** The OpenAPI document. */
  readonly document: () => Record<string, unknown>;
  readonly keys: readonly ApiKey[] | null;
  readonly renderReport?: ReportRenderer | undefined;
}

const html = "text/html; charset=utf-8";

export function addConsoleRoutes(table: RouteTable, ctx: ConsoleContext): void {
  const hidden = { hidden: true, tag: "console", responses: {} } as const;
  table.add({
    ...hidden,
    hidden: false,
    tag: "service",
    method: "GET",
    url: "/openapi.json",
    summary: "this document",
    responses: { 200: { description: "OpenAPI 3.1", schema: { type: "object" } } },
    handler: async () => ctx.document(),
  });
  table.add({
    ...hidden,
    method: "GET",
    url: "/docs",
    summary: "the API reference page",
    handler: async (_q, reply) => reply.type(html).send(docsPage(ctx.document())),
  });
  table.add({
    ...hidden,
    method: "GET",
    url: "/login",
    summary: "the console's sign-in form",
    handler: async (_q, reply) => reply.type(html).send(loginPage("")),
  });
  table.add({
    ...hidden,
    method: "POST",
    url: "/login",
    summary: "signs the console in with a token",
    async handler(request, reply) {
      const token = String((request.body as Record<string, unknown> | null)?.["token"] ?? "");
      if (ctx.keys !== null && findKey(ctx.keys, token) === null)
        return reply.code(401).type(html).send(loginPage("That token is not a known key."));
      return reply
        .header(
          "set-cookie",
          `fw_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`,
        )
        .redirect("/", 303);
    },
  });
  table.add({
    ...hidden,
    method: "GET",
    url: "/",
    scope: "read",
    summary: "the runs",
    async handler(_q, reply) {
      const rows: RunView[] = [];
      for (const kind of ctx.kinds) {
        const { ids } = await kind.list(50);
        for (const v of await Promise.all(ids.map((id) => kind.read(id))))
          if (v !== null) rows.push(v);
      }
      return reply.type(html).send(runsPage(rows, ctx.kinds));
    },
  });
  for (const kind of ctx.kinds) {
    table.add({
      ...hidden,
      method: "GET",
      url: `/${kind.path}/:id`,
      scope: "read",
      summary: `a ${kind.kind}'s page`,
      async handler(request, reply) {
        const id = (request.params as { id: string }).id;
        const view = await kind.read(id);
        if (view === null)
          throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `no ${kind.kind} ${id}`);
        const result =
          view.state === "succeeded" ? await kind.result(view).catch(() => null) : null;
        return reply.type(html).send(runPage(kind, view, result, ctx.renderReport !== undefined));
      },
    });
    table.add({
      ...hidden,
      method: "GET",
      url: `/${kind.path}/:id/report`,
      scope: "read",
      summary: `a ${kind.kind}'s report`,
      async handler(request, reply) {
        const id = (request.params as { id: string }).id;
        const view = await kind.read(id);
        if (view === null || view.artifact === null || ctx.renderReport === undefined)
          throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `no report for ${kind.kind} ${id}`);
        // The report is self-contained; it may run no script and load nothing.
        return reply
          .type(html)
          .header(
            "content-security-policy",
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
          )
          .send(await ctx.renderReport(kind.kind, view.artifact));
      },
    });
  }
}

function stateCell(v: RunView): string {
  return `<span class="state ${esc(v.state)}" data-state>${esc(v.state)}</span>`;
}

function progressCell(v: RunView): string {
  const p = v.progress;
  const total = p.imagesTotal ?? 0;
  return `<progress max="${total || 1}" value="${v.final && v.state === "succeeded" ? total || 1 : p.imagesDone}" data-bar></progress>
 <span data-text>${p.imagesDone}/${p.imagesTotal ?? "?"} images, ${p.partsDone}/${p.partsTotal ?? "?"} shards</span>`;
}

/** Updates rows marked data-run from each run's event stream. */
const LIVE_SCRIPT = `
for (const row of document.querySelectorAll("[data-run]")) {
  if (row.dataset.final === "true") continue;
  const es = new EventSource(row.dataset.events);
  const set = (sel, fn) => { const el = row.querySelector(sel); if (el) fn(el); };
  es.addEventListener("state", (e) => {
    const d = JSON.parse(e.data);
    set("[data-state]", (el) => { el.textContent = d.state; el.className = "state " + d.state; });
    if (["succeeded", "failed", "cancelled"].includes(d.state)) { es.close(); if (row.dataset.reload) location.reload(); }
  });
  es.addEventListener("progress", (e) => {
    const d = JSON.parse(e.data);
    set("[data-bar]", (el) => { el.max = d.imagesTotal || 1; el.value = d.imagesDone; });
    set("[data-text]", (el) => { el.textContent = d.imagesDone + "/" + (d.imagesTotal ?? "?") + " images, " +
      d.partsDone + "/" + (d.partsTotal ?? "?") + " shards" + (d.imagesPerSecond ? ", " + d.imagesPerSecond + " images/s" : ""); });
  });
}`;

const SUBMIT_SCRIPT = `
const form = document.getElementById("submit");
form?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = document.getElementById("submit-result");
  let body;
  try { body = JSON.parse(form.elements.body.value); } catch (err) { out.textContent = "not JSON: " + err.message; return; }
  const r = await fetch(form.dataset.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const d = await r.json();
  if (r.status === 202) location.href = "/" + form.dataset.path + "/" + d.id;
  else out.textContent = d.code + ": " + d.detail;
});`;

function runsPage(rows: readonly RunView[], kinds: readonly RunKind<unknown>[]): string {
  const kind = kinds[0];
  const body = `<h1>Runs</h1>
<table><thead><tr><th>id</th><th>state</th><th>progress</th><th>source</th><th>submitted</th></tr></thead><tbody>
${rows
  .map((v) => {
    const path = kinds.find((k) => k.kind === v.kind)?.path ?? "fits";
    return `<tr data-run data-final="${v.final}" data-events="${esc(runLinks(path, v.id).events)}">
<td><a href="/${esc(path)}/${esc(v.id)}">${esc(v.id)}</a></td><td>${stateCell(v)}</td><td>${progressCell(v)}</td>
<td><code>${esc(v.source)}</code></td><td>${esc(v.submittedAt)}</td></tr>`;
  })
  .join("\n")}
</tbody></table>
${
  kind === undefined
    ? ""
    : `<h2>Submit a ${esc(kind.kind)}</h2>
<form id="submit" data-url="/v1/${esc(kind.path)}" data-path="${esc(kind.path)}">
<p>The request as <a href="/docs">the API</a> takes it (${esc(kind.title)}Request):</p>
<textarea name="body" rows="6">${esc(JSON.stringify({ source: "/data/images/", out: "/data/stats/run-1", std: true, rescale: "1/255" }, null, 2))}</textarea>
<p><button type="submit">Submit</button> <span id="submit-result" class="err"></span></p></form>`
}`;
  return page("runs", body, LIVE_SCRIPT + SUBMIT_SCRIPT);
}

function runPage(
  kind: RunKind<unknown>,
  v: RunView,
  result: Record<string, unknown> | null,
  hasReport: boolean,
): string {
  const links = runLinks(kind.path, v.id);
  const failure =
    v.failure === null
      ? ""
      : `<tr><th>failure</th><td class="err">${esc(v.failure.code ?? "")} ${esc(v.failure.message)}</td></tr>`;
  const body = `<h1>${esc(kind.kind)} <code>${esc(v.id)}</code></h1>
<table data-run data-final="${v.final}" data-reload="1" data-events="${esc(links.events)}">
<tr><th>state</th><td>${stateCell(v)}</td></tr>
<tr><th>progress</th><td>${progressCell(v)}</td></tr>
<tr><th>source</th><td><code>${esc(v.source)}</code></td></tr>
<tr><th>out</th><td><code>${esc(v.out)}</code></td></tr>
<tr><th>submitted</th><td>${esc(v.submittedAt)}</td></tr>
${v.n === null ? "" : `<tr><th>n</th><td>${v.n} images (${v.progress.skipped} skipped)</td></tr>`}
${failure}
${v.artifact === null ? "" : `<tr><th>artifact</th><td><code>${esc(v.artifact)}</code></td></tr>`}
</table>
${v.final ? "" : `<p><button id="cancel" data-url="${esc(links.cancel)}">Cancel</button> <span id="cancel-result"></span></p>`}
${
  result === null
    ? ""
    : `<h2>Report</h2>${
        hasReport
          ? `<iframe src="/${esc(kind.path)}/${esc(v.id)}/report" title="report" style="width:100%;height:80vh;border:1px solid #e3e6ea;background:#fff" sandbox></iframe>`
          : ""
      }<!-- report hook: ReportRenderer (console.ts) -->
<details${hasReport ? "" : " open"}><summary>stats.json</summary><pre>${esc(JSON.stringify(result["stats"], null, 2))}</pre></details>`
}`;
  const cancelScript = `
document.getElementById("cancel")?.addEventListener("click", async (e) => {
  const r = await fetch(e.target.dataset.url, { method: "POST" });
  const d = await r.json();
  document.getElementById("cancel-result").textContent = r.ok ? (d.cancelled ? "cancelled" : "already " + d.state) : d.code + ": " + d.detail;
});`;
  return page(v.id, body, LIVE_SCRIPT + cancelScript);
}

function loginPage(message: string): string {
  return page(
    "sign in",
    `<h1>Sign in</h1><form method="post" action="/login"><p>API token (<code>featurewise keys create</code>):</p>
<p><input type="password" name="token" size="60" autocomplete="off"> <button type="submit">Sign in</button></p>
<p class="err">${esc(message)}</p></form>`,
  );
}

function docsPage(doc: Record<string, unknown>): string {
  const paths = doc["paths"] as Record<string, Record<string, Record<string, unknown>>>;
  const rows = Object.entries(paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        `<tr><td><code>${esc(method.toUpperCase())} ${esc(p)}</code></td><td>${esc(op["x-scope"] ?? "public")}</td><td>${esc(op["summary"])}</td>
<td>${Object.keys(op["responses"] as object)
          .map(esc)
          .join(" ")}</td></tr>`,
    ),
  );
  const schemas = (doc["components"] as { schemas: Record<string, unknown> }).schemas;
  return page(
    "API",
    `<h1>featurewise API</h1><p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Send <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>application/problem+json</code> with featurewise's stable codes.</p>
<table><thead><tr><th>route</th><th>scope</th><th>what</th><th>answers</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>
<h2>Schemas</h2>${Object.entries(schemas)
      .map(
        ([name, s]) =>
          `<details><summary><code>${esc(name)}</code></summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`,
      )
      .join("\n")}`,
  );
}
