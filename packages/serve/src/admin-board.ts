/**
 * bull-board at `/admin/queues`, behind the `admin` scope: the cluster's
 * queues, jobs and failures as BullMQ sees them. Its page would load a web
 * font from Google's servers: the link is taken out (the page falls back to
 * a local font), so the console asks nothing of the network.
 */
import type { FastifyInstance } from "fastify";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { ApiKey } from "./api-keys.js";
import { authorize } from "./auth.js";
import { sendProblem } from "./problem.js";
import type { Queue } from "@featurewise/queue";

export const ADMIN_BOARD_PATH = "/admin/queues";

/** bull-board's `<link>` to Google's font service. */
const WEB_FONT_LINK = /<link[^>]*https:\/\/fonts\.(googleapis|gstatic)\.com[^>]*>/g;

/** Registers the board over `queues`. */
export async function addAdminBoard(
  app: FastifyInstance,
  queues: readonly Queue[],
  keys: readonly ApiKey[] | null,
): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(ADMIN_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "featurewise" } },
  });
  await app.register(async (scoped) => {
    // Answered here: bull-board's plugin has an error handler of its own.
    scoped.addHook("onRequest", async (request, reply) => {
      try {
        authorize(request, keys, "admin");
      } catch (err) {
        return sendProblem(reply, request, err);
      }
      return undefined;
    });
    scoped.addHook("onSend", async (_request, reply, payload) =>
      typeof payload === "string" && String(reply.getHeader("content-type")).startsWith("text/html")
        ? payload.replace(WEB_FONT_LINK, "")
        : payload,
    );
    await scoped.register(adapter.registerPlugin(), { prefix: ADMIN_BOARD_PATH });
  });
}
