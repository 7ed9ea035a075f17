import assert from "node:assert/strict";
import { Controller, type WatchSpec } from "./controller.ts";
import { jsonLogger, type LogFields, nopLogger } from "./logger.ts";
import { type Request, TerminalError } from "./reconcile.ts";

function capture(): { lines: LogFields[]; logger: ReturnType<typeof jsonLogger> } {
  const lines: LogFields[] = [];
  return {
    lines,
    logger: jsonLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) }),
  };
}

const configMaps = {
  kind: { kind: "ConfigMap", group: "" },
  map: () => [],
  predicates: [],
} as unknown as WatchSpec;

async function reconcileOnce(controller: Controller, request: Request): Promise<void> {
  controller.enqueue(request);
  const stop = new AbortController();
  const running = controller.run({
    client: {} as never,
    reader: {} as never,
    recorder: {} as never,
  }, stop.signal);
  await controller.queue.onIdle();
  controller.queue.shutDown();
  await running;
}

Deno.test("each reconcile logs with controller-runtime's fields in context.log", async () => {
  const { lines, logger } = capture();
  const c = new Controller(
    "cm-sync",
    (_req, ctx) => {
      ctx.log.info("synced", { keys: 2 });
    },
    [configMaps],
    { logger },
  );
  await reconcileOnce(c, { namespace: "default", name: "app" });
  const synced = lines.find((l) => l.msg === "synced")!;
  assert.equal(synced.level, "info");
  assert.equal(synced.controller, "cm-sync");
  assert.equal(synced.controllerGroup, "");
  assert.equal(synced.controllerKind, "ConfigMap");
  assert.deepEqual(synced.ConfigMap, { name: "app", namespace: "default" });
  assert.equal(synced.namespace, "default");
  assert.equal(synced.name, "app");
  assert.equal(synced.keys, 2);
  assert.match(String(synced.reconcileID), /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(String(synced.ts))));
  const reconciling = lines.find((l) => l.msg === "Reconciling")!;
  assert.equal(reconciling.level, "debug");
  assert.equal(reconciling.reconcileID, synced.reconcileID);
});

Deno.test("every reconcile gets its own reconcileID", async () => {
  const { lines, logger } = capture();
  const c = new Controller("ids", (_req, ctx) => ctx.log.info("run"), [configMaps], { logger });
  c.enqueue({ name: "a" });
  await reconcileOnce(c, { name: "b" });
  const runs = lines.filter((l) => l.msg === "run");
  assert.equal(runs.length, 2);
  assert.notEqual(runs[0].reconcileID, runs[1].reconcileID);
  assert.deepEqual(runs.map((l) => l.namespace), ["", ""]);
});

Deno.test("failed reconciles are logged as Reconciler error; terminal ones say so", async () => {
  const { lines, logger } = capture();
  const c = new Controller(
    "failing",
    (req) => {
      throw req.name === "t" ? new TerminalError("bad spec") : new Error("boom");
    },
    [configMaps],
    { logger },
  );
  c.enqueue({ name: "t" });
  await reconcileOnce(c, { namespace: "ns", name: "e" });
  const errors = lines.filter((l) => l.msg === "Reconciler error");
  assert.equal(errors.length, 2);
  const terminal = errors.find((l) => l.name === "t")!;
  assert.equal(terminal.level, "error");
  assert.equal(terminal.error, "bad spec");
  assert.equal(terminal.terminal, true);
  const retried = errors.find((l) => l.name === "e")!;
  assert.equal(retried.error, "boom");
  assert.equal(retried.terminal, undefined);
  assert.equal(retried.controller, "failing");
});

Deno.test("an onError option replaces the default error log", async () => {
  const { lines, logger } = capture();
  const seen: string[] = [];
  const c = new Controller(
    "custom",
    () => {
      throw new TerminalError("nope");
    },
    [configMaps],
    {
      logger,
      onError: (err, req, name) => seen.push(`${name} ${req.name} ${(err as Error).message}`),
    },
  );
  await reconcileOnce(c, { name: "x" });
  assert.deepEqual(seen, ["custom x nope"]);
  assert.equal(lines.filter((l) => l.level === "error").length, 0);
});

Deno.test("setLogger swaps the base logger; the json logger filters levels", async () => {
  const { lines, logger } = capture();
  const c = new Controller("swap", (_req, ctx) => ctx.log.info("hello"), [configMaps], {
    logger: nopLogger,
  });
  c.setLogger(logger.with({ app: "demo" }));
  await reconcileOnce(c, { name: "x" });
  assert.equal(lines.find((l) => l.msg === "hello")?.app, "demo");

  const out: string[] = [];
  const info = jsonLogger({ write: (l) => out.push(l), now: () => 0 });
  info.debug("dropped");
  info.with({ a: 1, msg: "ignored" }).error("plain string", "failed", { a: 2 });
  assert.deepEqual(out.map((l) => JSON.parse(l)), [
    { level: "error", ts: "1970-01-01T00:00:00.000Z", msg: "failed", a: 2, error: "plain string" },
  ]);
});
