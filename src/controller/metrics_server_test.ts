import assert from "node:assert/strict";
import { jsonLogger, type LogFields } from "./logger.ts";
import { Metrics } from "./metrics.ts";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics_registry.ts";
import { serveMetrics, type ServeMetricsOptions } from "./metrics_server.ts";

async function withServer(
  options: Partial<ServeMetricsOptions>,
  body: (base: string, logs: LogFields[]) => Promise<void>,
): Promise<LogFields[]> {
  const logs: LogFields[] = [];
  const stop = new AbortController();
  const server = serveMetrics({
    port: 0,
    metrics: new Metrics(),
    signal: stop.signal,
    logger: jsonLogger({ write: (l) => logs.push(JSON.parse(l)) }),
    ...options,
  });
  assert.ok(server.port > 0);
  try {
    await body(`http://127.0.0.1:${server.port}`, logs);
  } finally {
    stop.abort();
    await server.finished;
  }
  return logs;
}

Deno.test("GET /metrics serves the exposition with the 0.0.4 content type", async () => {
  const metrics = new Metrics();
  metrics.controllerSink("apps").reconciled("success", 0.01);
  await withServer({ metrics }, async (base) => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    assert.equal(
      PROMETHEUS_CONTENT_TYPE,
      "text/plain; version=0.0.4; charset=utf-8",
    );
    const text = await res.text();
    assert.match(
      text,
      /^controller_runtime_reconcile_total\{controller="apps",result="success"\} 1$/m,
    );
    const head = await fetch(`${base}/metrics`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });
});

Deno.test("/healthz and /readyz answer ok, or 500 with the failing checks", async () => {
  let ready = false;
  await withServer({
    healthz: () => true,
    readyz: {
      informers: () => ready,
      leader: () => Promise.reject(new Error("not leading")),
      ping: () => true,
    },
  }, async (base) => {
    let res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    res = await fetch(`${base}/healthz?verbose`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "[+]check ok\nhealthz check passed\n");

    res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 500);
    assert.equal(
      await res.text(),
      "[-]informers failed: check returned false\n[-]leader failed: not leading\n[+]ping ok\n" +
        "readyz check failed\n",
    );
    ready = true;
    res = await fetch(`${base}/readyz/informers`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    res = await fetch(`${base}/readyz/nope`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});

Deno.test("default checks pass; unknown paths are 404, other methods 405; one log line at start and stop", async () => {
  const logs = await withServer({}, async (base, logs) => {
    assert.equal(
      await (await fetch(`${base}/readyz?verbose`)).text(),
      "[+]ping ok\nreadyz check passed\n",
    );
    let res = await fetch(`${base}/`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
    res = await fetch(`${base}/metricsx`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
    res = await fetch(`${base}/metrics`, { method: "POST", body: "x" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
    await res.body?.cancel();
    assert.equal(logs.length, 1, "no line per request");
  });
  assert.deepEqual(logs.map((l) => l.msg), ["Serving metrics server", "Stopped metrics server"]);
  assert.match(String(logs[0].bindAddress), /^127\.0\.0\.1:\d+$/);
});

Deno.test("a failing metrics source answers 500", async () => {
  await withServer(
    { metrics: { text: () => Promise.reject(new Error("collector broke")) } },
    async (base) => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 500);
      assert.equal(await res.text(), "Cannot collect metrics: collector broke\n");
    },
  );
});
