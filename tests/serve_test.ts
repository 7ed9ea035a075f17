// The API server over HTTP against the same verbs in-process: objects, errors and watch events
// must agree; bad input over the wire gets a Status (or a clean close) and the server keeps serving.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime, type Runtime } from "../mod.ts";
import { type ApiServer, serve } from "../src/server/server.ts";
import type { KubeObject, WatchEvent } from "../src/apimachinery/meta.ts";
import { ApiError } from "../src/apimachinery/errors.ts";

interface Both {
  local: Runtime;
  remote: Runtime;
  server: ApiServer;
  http(method: string, path: string, body?: unknown, headers?: HeadersInit): Promise<Response>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Two memory runtimes: one called in-process, one served over HTTP. */
async function both(): Promise<Both> {
  const local = await createRuntime({ store: "memory:" });
  const remote = await createRuntime({ store: "memory:" });
  const server = await serve(remote, { port: 0 });
  return {
    local,
    remote,
    server,
    http(method, path, body, headers) {
      const h = new Headers(headers);
      let payload: BodyInit | undefined;
      if (body instanceof Uint8Array || typeof body === "string") payload = body as BodyInit;
      else if (body !== undefined) {
        payload = JSON.stringify(body);
        if (!h.has("content-type")) h.set("content-type", "application/json");
      }
      return fetch(server.url + path, { method, headers: h, body: payload });
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await local.close();
      await remote.close();
    },
  };
}

/** The object without what differs between two stores by nature (uid, time, revision). */
function portable(obj: KubeObject | Record<string, unknown>): unknown {
  const o = structuredClone(obj) as KubeObject;
  if (o.metadata) {
    delete o.metadata.uid;
    delete o.metadata.creationTimestamp;
    delete o.metadata.resourceVersion;
    delete o.metadata.deletionTimestamp;
  }
  return o;
}

async function statusOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
  throw new Error("expected an error");
}

const CM = "/api/v1/namespaces/default/configmaps";

Deno.test("serve: each verb over HTTP gives what it gives in-process", async () => {
  await using t = await both();
  const { local, http } = t;
  const body = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "a", labels: { app: "x" } },
    data: { k: "v" },
  };

  // create
  const made = await local.registry.create(ConfigMap, body, { namespace: "default" });
  let res = await http("POST", CM, body);
  assert.equal(res.status, 201);
  assert.deepEqual(portable(await res.json()), portable(made));

  // create again: AlreadyExists
  const dup = await statusOf(local.registry.create(ConfigMap, body, { namespace: "default" }));
  res = await http("POST", CM, body);
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), dup);

  // invalid name: 422 with the same causes
  const bad = { ...body, metadata: { name: "Bad_Name" } };
  const invalid = await statusOf(local.registry.create(ConfigMap, bad, { namespace: "default" }));
  res = await http("POST", CM, bad);
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), invalid);

  // get and a missing get
  res = await http("GET", `${CM}/a`);
  assert.deepEqual(portable(await res.json()), portable(await local.registry.get(ConfigMap, "a")));
  const missing = await statusOf(local.registry.get(ConfigMap, "nope"));
  res = await http("GET", `${CM}/nope`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), missing);

  // list with a label selector
  const list = await local.registry.list(ConfigMap, {
    namespace: "default",
    labelSelector: "app=x",
  });
  res = await http("GET", `${CM}?labelSelector=app%3Dx`);
  const got = await res.json();
  assert.equal(got.kind, "ConfigMapList");
  assert.deepEqual(got.items.map(portable), list.items.map(portable));

  // merge, JSON and strategic patches
  for (
    const [type, patch] of [
      ["merge", { data: { m: "1" } }],
      ["json", [{ op: "add", path: "/data/j", value: "2" }]],
      ["strategic", { data: { s: "3" } }],
    ] as const
  ) {
    const want = await local.registry.patch(ConfigMap, "a", patch, { namespace: "default", type });
    const media = type === "json"
      ? "json-patch"
      : type === "merge"
      ? "merge-patch"
      : "strategic-merge-patch";
    res = await http("PATCH", `${CM}/a`, patch, { "content-type": `application/${media}+json` });
    assert.equal(res.status, 200, type);
    assert.deepEqual(portable(await res.json()), portable(want));
  }

  // update with a stale resourceVersion: Conflict
  const stale = { ...body, metadata: { name: "a", resourceVersion: "1" } };
  const conflict = await statusOf(
    local.registry.update(ConfigMap, stale, { namespace: "default" }),
  );
  res = await http("PUT", `${CM}/a`, stale);
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), conflict);

  // update naming another object than the URL: 400
  res = await http("PUT", `${CM}/other`, { ...body, metadata: { name: "a" } });
  assert.equal(res.status, 400);
  assert.equal(
    (await res.json()).message,
    "the name of the object (a) does not match the name on the URL (other)",
  );

  // dry-run create changes nothing
  res = await http("POST", `${CM}?dryRun=All`, { ...body, metadata: { name: "dry" } });
  assert.equal(res.status, 201);
  assert.equal((await http("GET", `${CM}/dry`)).status, 404);

  // delete: a Success Status for ConfigMaps, as kube-apiserver answers, and the object is gone
  await local.registry.delete(ConfigMap, "a", { namespace: "default" });
  res = await http("DELETE", `${CM}/a`, { propagationPolicy: "Background" });
  assert.equal(res.status, 200);
  const status = await res.json();
  assert.equal(status.kind, "Status");
  assert.equal(status.status, "Success");
  assert.equal(status.details.name, "a");
  assert.equal(status.details.kind, "configmaps");
  assert.equal((await http("GET", `${CM}/a`)).status, 404);
});

Deno.test("serve: watch events over HTTP are the in-process events", async () => {
  await using t = await both();
  const ac = new AbortController();
  const res = await t.http("GET", `${CM}?watch=true&resourceVersion=0`, undefined, {});
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const localEvents: WatchEvent<KubeObject>[] = [];
  const localWatch = (async () => {
    for await (
      const ev of t.local.registry.watch(ConfigMap, { namespace: "default", signal: ac.signal })
    ) {
      localEvents.push(ev as WatchEvent<KubeObject>);
    }
  })();
  for (const rt of [t.local, t.remote]) {
    await rt.client.create(ConfigMap, { metadata: { name: "w" }, data: { a: "1" } }, {
      namespace: "default",
    });
    await rt.client.patch(ConfigMap, "w", { data: { a: "2" } }, {
      namespace: "default",
      type: "merge",
    });
    await rt.client.delete(ConfigMap, "w", { namespace: "default" });
  }
  const remoteEvents: WatchEvent<KubeObject>[] = [];
  let buf = "";
  while (remoteEvents.length < 3) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      remoteEvents.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  }
  await reader.cancel();
  while (localEvents.length < 3) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  await localWatch;
  assert.deepEqual(remoteEvents.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
  assert.deepEqual(
    remoteEvents.map((e) => portable(e.object)),
    localEvents.map((e) => portable(e.object)),
  );
});

Deno.test("serve: bad input over the wire gets kube's Status and changes nothing", async () => {
  await using t = await both();
  const { http } = t;
  await http("POST", CM, { metadata: { name: "keep" }, data: { a: "1" } });
  const cases: [string, string, BodyInit | undefined, Record<string, string>, number, string][] = [
    ["POST", CM, "{not json", { "content-type": "application/json" }, 400, "BadRequest"],
    ["POST", CM, "a: [", { "content-type": "application/yaml" }, 400, "BadRequest"],
    ["POST", CM, "<xml/>", { "content-type": "application/xml" }, 415, "UnsupportedMediaType"],
    ["PATCH", `${CM}/keep`, "{}", { "content-type": "text/plain" }, 415, "UnsupportedMediaType"],
    [
      "POST",
      CM,
      "\x01\x02",
      { "content-type": "application/vnd.kubernetes.protobuf" },
      400,
      "BadRequest",
    ],
    ["GET", "/api/v1/gadgets", undefined, {}, 404, "NotFound"],
    ["GET", "/apis/nope.example.com/v1/things", undefined, {}, 404, "NotFound"],
    ["GET", "/nowhere", undefined, {}, 404, "NotFound"],
    ["GET", `${CM}/keep/scale`, undefined, {}, 404, "NotFound"],
    ["POST", `${CM}/keep`, "{}", { "content-type": "application/json" }, 405, "MethodNotAllowed"],
    ["GET", `${CM}?limit=abc`, undefined, {}, 400, "BadRequest"],
    ["GET", CM, undefined, { accept: "text/html" }, 406, "NotAcceptable"],
    [
      "GET",
      `${CM}?includeObject=All`,
      undefined,
      { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
      400,
      "BadRequest",
    ],
    ["GET", `${CM}?watch=maybe`, undefined, {}, 400, "BadRequest"],
    ["GET", `${CM}?labelSelector=a%20in%20(`, undefined, {}, 400, "BadRequest"],
    [
      "POST",
      `${CM}?dryRun=Some`,
      '{"metadata":{"name":"x"}}',
      { "content-type": "application/json" },
      422,
      "Invalid",
    ],
    [
      "DELETE",
      `${CM}/keep`,
      '{"propagationPolicy":"Sometimes"}',
      { "content-type": "application/json" },
      422,
      "Invalid",
    ],
    ["DELETE", `${CM}/keep`, "[1]", { "content-type": "application/json" }, 400, "BadRequest"],
  ];
  for (const [method, path, body, headers, code, reason] of cases) {
    const res = await http(method, path, body, headers);
    const status = await res.json();
    assert.equal(res.status, code, `${method} ${path}: ${JSON.stringify(status)}`);
    assert.equal(status.kind, "Status");
    assert.equal(status.reason, reason, `${method} ${path}`);
    assert.equal(status.code, code);
  }
  // An oversized body is refused before it is read.
  const huge = JSON.stringify({
    metadata: { name: "huge" },
    data: { a: "x".repeat(4 * 1024 * 1024) },
  });
  const res = await http("POST", CM, huge, { "content-type": "application/json" });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).message, "Request entity too large: limit is 3145728");
  // Nothing changed, and the server still serves.
  const list = await (await http("GET", CM)).json();
  assert.deepEqual(list.items.map((i: KubeObject) => i.metadata.name), ["keep"]);
  assert.deepEqual((await (await http("GET", `${CM}/keep`)).json()).data, { a: "1" });
});

Deno.test("serve: a watcher that disconnects or cannot keep up ends cleanly; others go on", async () => {
  const remote = await createRuntime({ store: "memory:" });
  const server = await serve(remote, { port: 0, watchLagBytes: 64 * 1024 });
  try {
    // A client that goes away mid-watch.
    const gone = new AbortController();
    const res = await fetch(`${server.url}${CM}?watch=1`, { signal: gone.signal });
    assert.equal(res.status, 200);
    gone.abort();
    await res.body?.cancel().catch(() => {});
    // A client that never reads.
    const slow = await fetch(`${server.url}${CM}?watch=1`);
    const data = { big: "x".repeat(60_000) };
    for (let i = 0; i < 60; i++) {
      await remote.client.create(ConfigMap, { metadata: { name: `c${i}` }, data }, {
        namespace: "default",
      });
    }
    // It is ended with an ERROR event once it lags too far, after what it was sent.
    const text = await slow.text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    const last = lines.at(-1);
    assert.equal(last.type, "ERROR");
    assert.match(last.object.message, /did not read its events fast enough/);
    assert.ok(lines.length < 61, `${lines.length} events before the end`);
    // The server still serves.
    const ok = await fetch(`${server.url}${CM}?limit=1`);
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).items.length, 1);
  } finally {
    await server.shutdown();
    await remote.close();
  }
});

Deno.test("serve: shutdown ends open watches and stops listening", async () => {
  const rt = await createRuntime({ store: "memory:" });
  const server = await serve(rt, { port: 0 });
  const res = await fetch(`${server.url}${CM}?watch=true`);
  const text = res.text();
  await server.shutdown();
  assert.equal(await text, "");
  await assert.rejects(() => fetch(`${server.url}/healthz`));
  await rt.close();
});

Deno.test("serve: a bearer token is required except for version and health", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await using server = await serve(rt, { port: 0, token: "s3cret" });
  assert.equal(await (await fetch(`${server.url}/readyz`)).text(), "ok");
  assert.equal((await (await fetch(`${server.url}/version`)).json()).major, "1");
  const denied = await fetch(`${server.url}${CM}`);
  assert.equal(denied.status, 401);
  assert.deepEqual(await denied.json(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "Unauthorized",
    reason: "Unauthorized",
    code: 401,
  });
  const wrong = await fetch(`${server.url}${CM}`, { headers: { authorization: "Bearer nope" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const ok = await fetch(`${server.url}${CM}`, { headers: { authorization: "Bearer s3cret" } });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("serve: Table answers in the meta.k8s.io version asked for, rows as includeObject says", async () => {
  await using t = await both();
  await t.remote.client.create(ConfigMap, { metadata: { name: "a" }, data: { k: "v" } }, {
    namespace: "default",
  });
  const table = async (version: string, query = "", path = CM) => {
    const res = await t.http("GET", `${path}${query}`, undefined, {
      accept: `application/json;as=Table;v=${version};g=meta.k8s.io,application/json`,
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  for (const version of ["v1", "v1beta1"]) {
    const list = await table(version);
    assert.equal(list.kind, "Table");
    assert.equal(list.apiVersion, `meta.k8s.io/${version}`);
    assert.deepEqual(list.columnDefinitions.map((c: { name: string }) => c.name), [
      "Name",
      "Data",
      "Age",
    ]);
    assert.deepEqual(list.rows[0].cells.slice(0, 2), ["a", 1]);
    assert.equal(list.rows[0].object.kind, "PartialObjectMetadata");
    assert.equal(list.rows[0].object.apiVersion, `meta.k8s.io/${version}`);
    const one = await table(version, "", `${CM}/a`);
    assert.equal(one.apiVersion, `meta.k8s.io/${version}`);
    assert.equal(one.rows.length, 1);
  }
  assert.equal((await table("v1", "?includeObject=Object")).rows[0].object.data.k, "v");
  assert.equal((await table("v1", "?includeObject=None")).rows[0].object, null);
  // A Table in a version not served is not offered: the JSON range after it is used.
  const plain = await table("v2");
  assert.equal(plain.kind, "ConfigMapList");
});
