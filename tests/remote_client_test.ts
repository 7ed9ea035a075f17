// The HTTP client against `serve` and the in-process client on a twin store: every verb gives
// the same objects, errors, warnings and watch events; retries, generic errors and watch ends
// behave as client-go's.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime, Namespace, type Runtime } from "../mod.ts";
import { type ApiServer, serve } from "../src/server/server.ts";
import { HttpClient } from "../src/client/http.ts";
import type { Client } from "../src/client/client.ts";
import type { KubeObject, WatchEvent } from "../src/apimachinery/meta.ts";
import { ApiError } from "../src/apimachinery/errors.ts";
import { Category, Item } from "../examples/inventory/kinds.ts";

interface Twins extends AsyncDisposable {
  local: Runtime;
  remote: Runtime;
  server: ApiServer;
  http: HttpClient;
}

async function twins(): Promise<Twins> {
  const local = await createRuntime({ store: "memory:", kinds: [Category, Item] });
  const remote = await createRuntime({ store: "memory:", kinds: [Category, Item] });
  const server = await serve(remote, { port: 0 });
  return {
    local,
    remote,
    server,
    http: new HttpClient({ server: server.url }),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await local.close();
      await remote.close();
    },
  };
}

/** What differs between two stores by nature (uid, times, revisions) taken out. */
function portable(v: unknown): unknown {
  const o = JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  const strip = (obj: KubeObject) => {
    if (!obj?.metadata) return;
    delete obj.metadata.uid;
    delete obj.metadata.creationTimestamp;
    delete obj.metadata.resourceVersion;
    delete obj.metadata.deletionTimestamp;
  };
  if (Array.isArray(o.items)) {
    for (const i of o.items as KubeObject[]) strip(i);
    delete (o.metadata as Record<string, unknown>).resourceVersion;
    delete (o.metadata as Record<string, unknown>).continue;
  } else strip(o as unknown as KubeObject);
  return o;
}

type Outcome = { ok: unknown; warnings: string[] } | { error: unknown; warnings: string[] };

async function outcome(
  f: (onWarning: (w: string) => void) => Promise<unknown>,
): Promise<Outcome> {
  const warnings: string[] = [];
  try {
    return { ok: portable(await f((w) => warnings.push(w))), warnings };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // As the wire carries it: no undefined members.
    const st = JSON.parse(JSON.stringify(err.status));
    delete st.details?.uid;
    st.message = st.message.replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "<uid>",
    );
    return { error: st, warnings };
  }
}

/** Runs one step with each client and asserts the outcomes agree; returns the local one. */
async function same(
  t: Twins,
  what: string,
  step: (c: Client, onWarning: (w: string) => void) => Promise<unknown>,
): Promise<Outcome> {
  const a = await outcome((w) => step(t.local.client, w));
  const b = await outcome((w) => step(t.http, w));
  assert.deepEqual(b, a, what);
  return a;
}

Deno.test("remote client: each verb over HTTP gives what it gives in-process", async () => {
  await using t = await twins();
  const ns = { namespace: "default" };
  for (const rt of [t.local, t.remote]) {
    await rt.client.create(Namespace, { metadata: { name: "team" } });
  }
  await same(
    t,
    "create",
    (c) =>
      c.create(ConfigMap, { metadata: { name: "a", labels: { app: "x" } }, data: { k: "v" } }, ns),
  );
  await same(
    t,
    "create in another namespace via metadata",
    (c) =>
      c.create(ConfigMap, {
        metadata: { name: "b", namespace: "team", labels: { app: "y" } },
      }),
  );
  const dup = await same(
    t,
    "duplicate",
    (c) => c.create(ConfigMap, { metadata: { name: "a" } }, ns),
  );
  assert.equal((dup as { error: ApiError["status"] }).error.reason, "AlreadyExists");
  const bad = await same(
    t,
    "invalid name",
    (c) => c.create(ConfigMap, { metadata: { name: "Not_Valid" } }, ns),
  );
  assert.equal((bad as { error: ApiError["status"] }).error.code, 422);
  await same(
    t,
    "unknown field, Strict",
    (c, w) =>
      c.create(ConfigMap, { metadata: { name: "s" }, dataa: {} } as never, {
        ...ns,
        fieldValidation: "Strict",
        onWarning: w,
      }),
  );
  const warned = await same(
    t,
    "unknown field, Warn",
    (c, w) =>
      c.create(ConfigMap, { metadata: { name: "w" }, dataa: {} } as never, { ...ns, onWarning: w }),
  );
  assert.deepEqual(warned.warnings, ['unknown field "dataa"']);
  await same(
    t,
    "dry run",
    (c) => c.create(ConfigMap, { metadata: { name: "dry" } }, { ...ns, dryRun: true }),
  );
  await same(t, "get", (c) => c.get(ConfigMap, "a", ns));
  await same(t, "get missing", (c) => c.get(ConfigMap, "nope", ns));
  await same(t, "list all namespaces", (c) => c.list(ConfigMap));
  await same(
    t,
    "list by label string",
    (c) => c.list(ConfigMap, { labelSelector: "app in (x,y)" }),
  );
  await same(t, "list by label set", (c) => c.list(ConfigMap, { labelSelector: { app: "y" } }));
  await same(t, "list by LabelSelector", (c) =>
    c.list(ConfigMap, {
      labelSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["y"] }] },
    }));
  await same(
    t,
    "list by field set",
    (c) => c.list(ConfigMap, { fieldSelector: { "metadata.namespace": "team" } }),
  );
  await same(t, "bad label selector", (c) => c.list(ConfigMap, { labelSelector: "a in b" }));
  await same(t, "unknown field selector", (c) => c.list(ConfigMap, { fieldSelector: "data.k=v" }));
  const page = await same(t, "first page", (c) => c.list(ConfigMap, { ...ns, limit: 1 }));
  assert.equal((page as { ok: { items: unknown[] } }).ok.items.length, 1);

  await same(t, "update", async (c) => {
    const cur = await c.get(ConfigMap, "a", ns);
    return await c.update(ConfigMap, { ...cur, data: { k: "v2" } });
  });
  await same(t, "stale update", async (c) => {
    const cur = await c.get(ConfigMap, "a", ns);
    await c.update(ConfigMap, { ...cur, data: { k: "v3" } });
    return await c.update(ConfigMap, { ...cur, data: { k: "v4" } });
  });
  await same(t, "merge patch", (c) => c.patch(ConfigMap, "a", { data: { m: "1" } }, ns));
  await same(
    t,
    "json patch",
    (c) => c.patch(ConfigMap, "a", [{ op: "remove", path: "/data/m" }], { ...ns, type: "json" }),
  );
  await same(
    t,
    "strategic patch",
    (c) =>
      c.patch(ConfigMap, "a", { metadata: { labels: { s: "1" } } }, { ...ns, type: "strategic" }),
  );
  await same(
    t,
    "bad json patch",
    (c) => c.patch(ConfigMap, "a", [{ op: "remove", path: "/data/zzz" }], { ...ns, type: "json" }),
  );

  // A kind with a status subresource, selectable fields and admission.
  await same(
    t,
    "category",
    (c) => c.create(Category, { metadata: { name: "tools" }, spec: { displayName: "Tools" } }, ns),
  );
  await same(t, "item refused by admission", (c) =>
    c.create(Item, {
      metadata: { name: "saw" },
      spec: { displayName: "Saw", priceCents: 100, category: "nope" },
    }, ns));
  await same(t, "item", (c) =>
    c.create(Item, {
      metadata: { name: "saw" },
      spec: { displayName: "Saw", priceCents: 100, category: "tools" },
    }, ns));
  await same(
    t,
    "items by selectable field",
    (c) => c.list(Item, { ...ns, fieldSelector: "spec.category=tools" }),
  );
  await same(t, "status update", async (c) => {
    const cur = await c.get(Category, "tools", ns);
    return await c.status.update(Category, { ...cur, status: { items: 1 } });
  });
  await same(
    t,
    "status patch",
    (c) => c.status.patch(Category, "tools", { status: { subcategories: 0 } }, ns),
  );
  await same(
    t,
    "status patch ignores spec",
    (c) => c.status.patch(Category, "tools", { spec: { displayName: "X" } }, ns),
  );

  // Deletes: preconditions, then a delete whose answer kube gives as a Status for core kinds.
  await same(
    t,
    "delete with a wrong uid",
    (c) => c.delete(ConfigMap, "a", { ...ns, preconditions: { uid: "nope" } }),
  );
  const gone = await outcome(() => t.http.delete(ConfigMap, "a", ns));
  assert.deepEqual(gone, {
    ok: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "default" } },
    warnings: [],
  });
  await t.local.client.delete(ConfigMap, "a", ns);
  await same(t, "delete missing", (c) => c.delete(ConfigMap, "a", ns));
  await same(t, "custom kinds' deletes return the object", (c) => c.delete(Item, "saw", ns));
  await same(
    t,
    "delete collection",
    (c) => c.deleteCollection(ConfigMap, { namespace: "team", labelSelector: "app=y" }),
  );
  await same(t, "after", (c) => c.list(ConfigMap));
});

Deno.test("remote client: watch events match in-process, and the watch ends with its signal", async () => {
  await using t = await twins();
  const collect = async (c: Client, rv: string, stop: AbortSignal) => {
    const seen: unknown[] = [];
    for await (
      const ev of c.watch(ConfigMap, { namespace: "default", resourceVersion: rv, signal: stop })
    ) {
      seen.push({ type: ev.type, object: portable(ev.object) });
      if (seen.length === 3) break;
    }
    return seen;
  };
  const script = async (c: Client) => {
    const rv = (await c.list(ConfigMap, { namespace: "default" })).metadata.resourceVersion!;
    const ac = new AbortController();
    const events = collect(c, rv, ac.signal);
    await new Promise((r) => setTimeout(r, 50));
    await c.create(ConfigMap, { metadata: { name: "w" } }, { namespace: "default" });
    await c.patch(ConfigMap, "w", { data: { a: "1" } }, { namespace: "default" });
    await c.delete(ConfigMap, "w", { namespace: "default" });
    return await events;
  };
  const a = await script(t.local.client);
  const b = await script(t.http);
  assert.deepEqual(b, a);
  assert.deepEqual(a.map((e) => (e as WatchEvent).type), ["ADDED", "MODIFIED", "DELETED"]);

  // An expired resourceVersion: the same ERROR event (410) both ways.
  const expired = async (c: Client) => {
    for await (
      const ev of c.watch(ConfigMap, { resourceVersion: "1", signal: AbortSignal.timeout(5000) })
    ) {
      return ev;
    }
  };
  await t.local.store.compact(await t.local.store.currentRevision());
  await t.remote.store.compact(await t.remote.store.currentRevision());
  const ea = await outcome(() => expired(t.local.client));
  const eb = await outcome(() => expired(t.http));
  assert.deepEqual(eb, ea);

  // Aborting ends the stream promptly, without an error.
  const ac = new AbortController();
  const started = Date.now();
  const done = (async () => {
    for await (const _ of t.http.watch(ConfigMap, { resourceVersion: "0", signal: ac.signal })) {
      // initial events only
    }
  })();
  setTimeout(() => ac.abort(), 100);
  await done;
  assert.ok(Date.now() - started < 3000);
});

/** A fetch that answers from a script, recording the requests. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const calls: { method: string; url: string; auth: string | null }[] = [];
  const f: typeof fetch = (input, init) => {
    const h = new Headers(init?.headers);
    calls.push({ method: init?.method ?? "GET", url: String(input), auth: h.get("authorization") });
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return Promise.resolve(next());
  };
  return { f, calls };
}

const okCm = () =>
  Response.json({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "default" },
  });

Deno.test("remote client: 429 and 5xx with Retry-After are retried; without it they are errors", async () => {
  const busy = () =>
    new Response(
      JSON.stringify(ApiError.of(429, "TooManyRequests", "slow down").status),
      {
        status: 429,
        headers: { "retry-after": "0", "content-type": "application/json" },
      },
    );
  const { f, calls } = scripted([
    busy,
    () => new Response("upstream", { status: 503, headers: { "retry-after": "0" } }),
    okCm,
  ]);
  const c = new HttpClient({ server: "https://k8s.example:6443", fetch: f });
  const got = await c.create(ConfigMap, { metadata: { name: "x" } });
  assert.equal(got.metadata.name, "x");
  assert.equal(calls.length, 3);
  assert.ok(calls.every((r) => r.method === "POST"));

  // Retries are bounded.
  const many = scripted(Array.from({ length: 5 }, () => busy));
  const bounded = new HttpClient({
    server: "https://k8s.example:6443",
    fetch: many.f,
    maxRetries: 3,
  });
  await assert.rejects(bounded.get(ConfigMap, "x"), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.reason, "TooManyRequests");
    return true;
  });
  assert.equal(many.calls.length, 4);

  // A 503 without Retry-After and without a Status body: client-go's generic error.
  const plain = scripted([() => new Response("<html>bad gateway</html>", { status: 503 })]);
  const c2 = new HttpClient({ server: "https://k8s.example:6443", fetch: plain.f });
  await assert.rejects(c2.get(ConfigMap, "x", { namespace: "default" }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 503);
    assert.equal(err.reason, "ServiceUnavailable");
    assert.equal(
      err.message,
      "the server is currently unable to handle the request (get configmaps x)",
    );
    return true;
  });
  const nf = scripted([() => new Response("404 page not found", { status: 404 })]);
  await assert.rejects(
    new HttpClient({ server: "https://k8s.example", fetch: nf.f }).list(ConfigMap),
    /^ApiError: the server could not find the requested resource \(get configmaps\)$/,
  );
});

Deno.test("remote client: reads whose connection broke are retried; nothing else is", async () => {
  // What Deno's fetch throws: "fetch failed", the reason in its cause.
  const fail = (why: string) => () =>
    Promise.reject(new TypeError("fetch failed", { cause: new Error(why) }));
  const broken = fail("client error (SendRequest): connection closed before message completed");
  const reads = scripted([broken, broken, okCm]);
  const c = new HttpClient({ server: "https://k8s.example", fetch: reads.f, maxRetryDelayMs: 1 });
  assert.equal((await c.get(ConfigMap, "x")).metadata.name, "x");
  assert.equal(reads.calls.length, 3);

  // A write is never sent twice: it may have happened.
  const writes = scripted([broken, okCm]);
  const w = new HttpClient({ server: "https://k8s.example", fetch: writes.f, maxRetryDelayMs: 1 });
  await assert.rejects(
    w.create(ConfigMap, { metadata: { name: "x" } }),
    /^Error: POST "https:\/\/k8s\.example\/api\/v1\/namespaces\/default\/configmaps": client error \(SendRequest\): connection closed before message completed$/,
  );
  assert.equal(writes.calls.length, 1);

  // A refused connection or an untrusted certificate does not change by itself: one try.
  for (
    const why of [
      "tcp connect error: Connection refused",
      "invalid peer certificate: UnknownIssuer",
    ]
  ) {
    const once = scripted([fail(why), okCm]);
    const r = new HttpClient({ server: "https://k8s.example", fetch: once.f, maxRetryDelayMs: 1 });
    await assert.rejects(r.get(ConfigMap, "x"), new RegExp(why.replace(/[()]/g, "\\$&")));
    assert.equal(once.calls.length, 1, why);
  }
});

Deno.test("remote client: a 401 renews credentials once", async () => {
  let token = "old";
  let renewals = 0;
  const unauthorized = () =>
    new Response(
      JSON.stringify(ApiError.of(401, "Unauthorized", "Unauthorized").status),
      { status: 401 },
    );
  const { f, calls } = scripted([unauthorized, okCm, unauthorized, unauthorized]);
  const c = new HttpClient({
    server: "https://k8s.example",
    fetch: f,
    authorization: () => `Bearer ${token}`,
    onUnauthorized: () => {
      renewals++;
      token = "new";
      return Promise.resolve(true);
    },
  });
  await c.get(ConfigMap, "x");
  assert.deepEqual(calls.map((r) => r.auth), ["Bearer old", "Bearer new"]);
  await assert.rejects(c.get(ConfigMap, "x"), /Unauthorized/);
  assert.equal(renewals, 2);
  assert.equal(calls.length, 4);
});

Deno.test("remote client: URLs, query and bodies as client-go sends them", async () => {
  const seen: { method: string; url: string; body?: string; type: string | null }[] = [];
  const f: typeof fetch = (input, init) => {
    seen.push({
      method: init?.method ?? "GET",
      url: String(input),
      body: init?.body === undefined ? undefined : String(init.body),
      type: new Headers(init?.headers).get("content-type"),
    });
    return Promise.resolve(okCm());
  };
  const c = new HttpClient({ server: "https://k8s.example:6443/prefix/", fetch: f });
  await c.get(Category, "a b", { namespace: "team-1", resourceVersion: "5" });
  await c.list(ConfigMap, { labelSelector: { app: "x", tier: "web" }, limit: 10 });
  await c.patch(ConfigMap, "x", { data: {} }, {
    type: "strategic",
    dryRun: true,
    fieldManager: "me",
  });
  await c.delete(ConfigMap, "x", {
    propagationPolicy: "Foreground",
    preconditions: { resourceVersion: "3" },
  });
  assert.deepEqual(seen, [
    {
      method: "GET",
      url:
        "https://k8s.example:6443/prefix/apis/inventory.k1s.dev/v1alpha1/namespaces/team-1/categories/a%20b?resourceVersion=5",
      body: undefined,
      type: null,
    },
    {
      method: "GET",
      url:
        "https://k8s.example:6443/prefix/api/v1/configmaps?labelSelector=app%3Dx%2Ctier%3Dweb&limit=10",
      body: undefined,
      type: null,
    },
    {
      method: "PATCH",
      url:
        "https://k8s.example:6443/prefix/api/v1/namespaces/default/configmaps/x?dryRun=All&fieldManager=me",
      body: '{"data":{}}',
      type: "application/strategic-merge-patch+json",
    },
    {
      method: "DELETE",
      url: "https://k8s.example:6443/prefix/api/v1/namespaces/default/configmaps/x",
      body:
        '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground","preconditions":{"resourceVersion":"3"}}',
      type: "application/json",
    },
  ]);
  assert.throws(
    () => new HttpClient({ server: "ftp://k8s.example" }),
    /must be http:\/\/ or https:\/\//,
  );
});

Deno.test("remote client: names that are not one path segment are refused before sending", async () => {
  const { f, calls } = scripted([]);
  const c = new HttpClient({ server: "https://k8s.example", fetch: f });
  // Sent as they are, these would address the collection, the namespace or another path.
  await assert.rejects(
    c.delete(ConfigMap, "", { namespace: "prod" }),
    /^Error: resource name may not be empty$/,
  );
  await assert.rejects(
    c.delete(ConfigMap, "..", { namespace: "prod" }),
    /^Error: invalid resource name "\.\.": \[may not be '\.\.'\]$/,
  );
  await assert.rejects(
    c.get(ConfigMap, "a/b"),
    /invalid resource name "a\/b": \[may not contain '\/'\]/,
  );
  await assert.rejects(
    c.get(ConfigMap, "x", { namespace: "" }),
    /^Error: namespace may not be empty$/,
  );
  await assert.rejects(
    c.patch(ConfigMap, "x", {}, { namespace: "%2e" }),
    /invalid namespace "%2e": \[may not contain '%'\]/,
  );
  assert.equal(calls.length, 0);
});

Deno.test("remote client: default namespace, extra headers, warnings, and answers that are not objects", async () => {
  const seen: { url: string; headers: Headers }[] = [];
  const answers: (() => Response)[] = [];
  const f: typeof fetch = (input, init) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers) });
    return Promise.resolve(answers.shift()!());
  };
  const c = new HttpClient({
    server: "https://k8s.example",
    fetch: f,
    namespace: "apps",
    headers: [["impersonate-user", "jane"], ["impersonate-group", "devs"]],
  });
  answers.push(() =>
    new Response(JSON.stringify({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x" } }), {
      status: 201,
      headers: {
        warning: '299 - "first", 199 - "misc", 299 - "", 299 k8s "second \\"quoted\\""',
      },
    })
  );
  const warnings: string[] = [];
  await c.create(ConfigMap, { metadata: { name: "x" } }, { onWarning: (w) => warnings.push(w) });
  assert.equal(seen[0].url, "https://k8s.example/api/v1/namespaces/apps/configmaps");
  assert.equal(seen[0].headers.get("impersonate-user"), "jane");
  assert.equal(seen[0].headers.get("impersonate-group"), "devs");
  assert.deepEqual(warnings, ["first", 'second "quoted"'], "only 299 with text, as client-go");

  // A 200 carrying a Failure Status is an error; a 200 that is not JSON is not a server error.
  answers.push(() => Response.json(ApiError.of(409, "Conflict", "busy").status));
  await assert.rejects(
    c.get(ConfigMap, "x"),
    (e: unknown) => e instanceof ApiError && e.code === 409,
  );
  answers.push(() => new Response("<html>proxy</html>"));
  await assert.rejects(c.get(ConfigMap, "x"), /the server's answer is not JSON/);

  // Errors without a Status: the group in the message, "unknown" for a body that is not text,
  // and at most 2 KiB of a text body.
  answers.push(() =>
    new Response('{"oops":1}', { status: 502, headers: { "content-type": "application/json" } })
  );
  await assert.rejects(c.get(Category, "tools"), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(
      e.message,
      'an error on the server ("unknown") has prevented the request from succeeding ' +
        "(get categories.inventory.k1s.dev tools)",
    );
    assert.equal(e.status.details?.group, "inventory.k1s.dev");
    return true;
  });
  answers.push(() => new Response("x".repeat(5000), { status: 500 }));
  await assert.rejects(c.get(ConfigMap, "x"), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.ok(e.message.length < 2200, `${e.message.length}`);
    return true;
  });
});

Deno.test("remote client: a watch line that is not an event is an ERROR event; a cut-off line ends it", async () => {
  const stream = (text: string) => () =>
    Promise.resolve(new Response(new Blob([text]).stream(), { status: 200 }));
  const event = JSON.stringify({
    type: "ADDED",
    object: { metadata: { name: "a", resourceVersion: "2" } },
  });
  const { f } = scripted([stream(`${event}\nnot json\n`), stream(`${event}\n{"type":"MODI`)]);
  const c = new HttpClient({ server: "https://k8s.example", fetch: f });
  const types = async () => {
    const out: string[] = [];
    for await (const ev of c.watch(ConfigMap, { resourceVersion: "1" })) {
      out.push(
        ev.type === "ERROR" ? `ERROR ${(ev.object as unknown as { code: number }).code}` : ev.type,
      );
    }
    return out;
  };
  assert.deepEqual(await types(), ["ADDED", "ERROR 500"]);
  assert.deepEqual(await types(), ["ADDED"]);
});
