// Informers over HTTP against `serve`: they resume from their last revision after a server
// restart or a dropped connection, relist on 410, wait out 429s, and report every failure.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime, InformerFactory, type Runtime } from "../mod.ts";
import { type ApiServer, serve } from "../src/server/server.ts";
import { HttpClient } from "../src/client/http.ts";
import { ApiError } from "../src/apimachinery/errors.ts";

const ns = { namespace: "default" };

/** A fetch that counts list requests (GETs of a collection that are not watches). */
function countingFetch(before?: (url: URL) => Response | undefined) {
  const counts = { lists: 0, watches: 0 };
  const f: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    if ((init?.method ?? "GET") === "GET" && url.pathname.endsWith("/configmaps")) {
      if (url.searchParams.get("watch") === "true") counts.watches++;
      else counts.lists++;
    }
    const answer = before?.(url);
    if (answer) return Promise.resolve(answer);
    return fetch(input, init);
  };
  return { f, counts };
}

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Running extends AsyncDisposable {
  factory: InformerFactory;
  names(): string[];
  errors: unknown[];
}

async function informer(client: HttpClient): Promise<Running> {
  const errors: unknown[] = [];
  const factory = new InformerFactory(client, {
    onError: (err) => errors.push(err),
    backoff: { initialMs: 20, maxMs: 200 },
  });
  const inf = factory.informerFor(ConfigMap);
  const stop = new AbortController();
  const running = factory.start(stop.signal);
  await factory.waitForSync(AbortSignal.timeout(10_000));
  return {
    factory,
    errors,
    names: () => inf.store.list().map((o) => o.metadata.name!).sort(),
    async [Symbol.asyncDispose]() {
      stop.abort();
      await running;
    },
  };
}

async function restartable(rt: Runtime) {
  let server: ApiServer = await serve(rt, { port: 0 });
  const port = server.port;
  return {
    url: server.url,
    stop: () => server.shutdown(),
    async start() {
      server = await serve(rt, { port });
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A runtime served on a port that survives restarts, and an informer over HTTP on it. */
async function restartableInformer() {
  const rt = await createRuntime({ store: "memory:" });
  const srv = await restartable(rt);
  const { f, counts } = countingFetch();
  const inf = await informer(new HttpClient({ server: srv.url, fetch: f, maxRetryDelayMs: 50 }));
  return {
    rt,
    srv,
    counts,
    inf,
    async [Symbol.asyncDispose]() {
      await inf[Symbol.asyncDispose]();
      await srv[Symbol.asyncDispose]();
      await rt.close();
    },
  };
}

Deno.test("remote informer: a server restart is survived by resuming from the last revision", async () => {
  await using t = await restartableInformer();
  const { rt, srv, counts, inf } = t;
  await rt.client.create(ConfigMap, { metadata: { name: "a" } }, ns);
  await rt.client.create(ConfigMap, { metadata: { name: "b" } }, ns);
  await until("a and b", () => inf.names().join() === "a,b");

  await srv.stop();
  await rt.client.create(ConfigMap, { metadata: { name: "c" } }, ns);
  await rt.client.delete(ConfigMap, "a", ns);
  // Down for longer than the client's own retries of the watch (10 × 50 ms), so the
  // reflector sees the failure too.
  await new Promise((r) => setTimeout(r, 800));
  await srv.start();
  await until("b and c after the restart", () => inf.names().join() === "b,c");
  assert.equal(counts.lists, 1, "resumed with a watch, without listing again");
  assert.ok(counts.watches >= 2);
  assert.ok(inf.errors.length > 0, "the failed reconnects were reported");
});

Deno.test("remote informer: a compacted revision (410) makes it list again", async () => {
  await using t = await restartableInformer();
  const { rt, srv, counts, inf } = t;
  await rt.client.create(ConfigMap, { metadata: { name: "a" } }, ns);
  await until("a", () => inf.names().join() === "a");

  await srv.stop();
  await rt.client.create(ConfigMap, { metadata: { name: "b" } }, ns);
  await rt.client.delete(ConfigMap, "a", ns);
  await rt.client.create(ConfigMap, { metadata: { name: "c" } }, ns);
  await rt.store.compact(await rt.store.currentRevision());
  await srv.start();
  await until("b and c from a new list", () => inf.names().join() === "b,c");
  assert.equal(counts.lists, 2);
  assert.ok(
    inf.errors.some((e) => /too old resource version|Expired|Gone/i.test(String(e))),
    `the 410 was reported: ${inf.errors.map(String).join("; ")}`,
  );
});

Deno.test("remote informer: a connection dropped mid-watch is resumed", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await using server = await serve(rt, { port: 0 });
  // A TCP proxy between client and server, whose connections the test cuts.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const down of listener) {
      const up = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      conns.add(down);
      conns.add(up);
      down.readable.pipeTo(up.writable).catch(() => {});
      up.readable.pipeTo(down.writable).catch(() => {});
    }
  })().catch(() => {});
  const cut = () => {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // already closed by its pipe
      }
    }
    conns.clear();
  };
  try {
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    const { f, counts } = countingFetch();
    await using inf = await informer(
      new HttpClient({ server: url, fetch: f, maxRetryDelayMs: 50 }),
    );
    await rt.client.create(ConfigMap, { metadata: { name: "a" } }, ns);
    await until("a", () => inf.names().join() === "a");
    cut();
    await rt.client.create(ConfigMap, { metadata: { name: "b" } }, ns);
    await until("b after the cut", () => inf.names().join() === "a,b");
    assert.equal(counts.lists, 1);
    assert.ok(counts.watches >= 2, "watched again");
    // As client-go's StreamWatcher, a stream cut off ends the watch quietly; the reflector
    // watches again from its last resourceVersion.
    assert.deepEqual(inf.errors, []);
  } finally {
    cut();
    listener.close();
    await accepting;
  }
});

Deno.test("remote informer: 429s with Retry-After are waited out, then it syncs", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await using server = await serve(rt, { port: 0 });
  await rt.client.create(ConfigMap, { metadata: { name: "a" } }, ns);
  let refusals = 2;
  const { f, counts } = countingFetch((url) => {
    if (url.searchParams.get("watch") === "true" || refusals === 0) return undefined;
    refusals--;
    return new Response(
      JSON.stringify(
        ApiError.of(429, "TooManyRequests", "too many requests, please try again later", {
          retryAfterSeconds: 1,
        }).status,
      ),
      { status: 429, headers: { "retry-after": "1", "content-type": "application/json" } },
    );
  });
  const started = Date.now();
  await using inf = await informer(new HttpClient({ server: server.url, fetch: f }));
  assert.deepEqual(inf.names(), ["a"]);
  assert.equal(counts.lists, 3, "two refusals, then the list");
  assert.ok(Date.now() - started >= 1900, "each Retry-After was waited");
  assert.deepEqual(inf.errors, [], "retried inside the client, not failed");
});
