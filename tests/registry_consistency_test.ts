// Consistency of reads as kube-apiserver serves them: paged lists are one
// snapshot, resourceVersion / resourceVersionMatch rules, watches from a
// future resourceVersion, sendInitialEvents, and selector transitions.
import assert from "node:assert/strict";
import {
  ApiError,
  ConfigMap,
  createRuntime,
  isBadRequest,
  isInvalid,
  isResourceExpired,
  type KubeObject,
  type Runtime,
  type Status,
  type WatchEvent,
} from "@k1s/k1s";

async function rt(freshnessTimeoutMs = 300): Promise<Runtime> {
  return await createRuntime({ store: "memory:", freshnessTimeoutMs });
}

async function rejectsWith(
  p: Promise<unknown>,
  check: (e: ApiError) => boolean,
  message?: string | RegExp,
): Promise<ApiError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected ApiError, got ${String(caught)}`);
  assert.ok(check(caught), `unexpected error: ${caught.message}`);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

async function collect<T extends KubeObject>(
  it: AsyncIterable<WatchEvent<T>>,
  n: number,
): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

/** Every event of a watch until it ends (pass it an aborting signal). */
async function all<T extends KubeObject>(
  it: AsyncIterable<WatchEvent<T>>,
): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

const names = (items: KubeObject[]) => items.map((i) => i.metadata.name);

Deno.test("every page of a paged list reads the first page's snapshot", async () => {
  await using r = await rt();
  for (let i = 0; i < 9; i++) {
    await r.client.create(ConfigMap, { metadata: { name: `cm-${i}` }, data: { v: "1" } });
  }
  const first = await r.client.list(ConfigMap, { limit: 3 });
  assert.deepEqual(names(first.items), ["cm-0", "cm-1", "cm-2"]);
  const rv = first.metadata.resourceVersion;
  assert.equal(first.metadata.remainingItemCount, 6);
  // Between pages: deletes, creates (before and after the cursor) and updates.
  await r.client.delete(ConfigMap, "cm-4");
  await r.client.delete(ConfigMap, "cm-8");
  await r.client.create(ConfigMap, { metadata: { name: "cm-1a" } });
  await r.client.create(ConfigMap, { metadata: { name: "cm-5a" } });
  await r.client.patch(ConfigMap, "cm-6", { data: { v: "2" } });
  const seen = [...first.items];
  let token = first.metadata.continue;
  let pages = 1;
  while (token) {
    const page = await r.client.list(ConfigMap, { limit: 3, continue: token });
    assert.equal(page.metadata.resourceVersion, rv, "every page has the first page's RV");
    seen.push(...page.items);
    token = page.metadata.continue;
    if (token) assert.equal(page.metadata.remainingItemCount, 9 - seen.length);
    else assert.equal(page.metadata.remainingItemCount, undefined);
    pages++;
  }
  assert.equal(pages, 3);
  assert.deepEqual(names(seen), [...Array(9).keys()].map((i) => `cm-${i}`));
  assert.ok(seen.every((cm) => cm.data?.v === "1"), "values as of the snapshot");
  assert.ok(seen.every((cm) => Number(cm.metadata.resourceVersion) <= Number(rv)));
  // A new list sees the changes.
  const now = await r.client.list(ConfigMap);
  assert.deepEqual(names(now.items), [
    "cm-0",
    "cm-1",
    "cm-1a",
    "cm-2",
    "cm-3",
    "cm-5",
    "cm-5a",
    "cm-6",
    "cm-7",
  ]);
});

Deno.test("paged lists with selectors stay on the snapshot and report no remainingItemCount", async () => {
  await using r = await rt();
  for (let i = 0; i < 8; i++) {
    await r.client.create(ConfigMap, {
      metadata: { name: `s-${i}`, labels: { even: String(i % 2 === 0) } },
    });
  }
  const first = await r.client.list(ConfigMap, { limit: 2, labelSelector: "even=true" });
  assert.deepEqual(names(first.items), ["s-0", "s-2"]);
  assert.equal(first.metadata.remainingItemCount, undefined);
  await r.client.delete(ConfigMap, "s-4");
  await r.client.patch(ConfigMap, "s-5", { metadata: { labels: { even: "true" } } });
  const second = await r.client.list(ConfigMap, {
    limit: 2,
    labelSelector: "even=true",
    continue: first.metadata.continue,
  });
  assert.deepEqual(names(second.items), ["s-4", "s-6"]);
  assert.equal(second.metadata.remainingItemCount, undefined);
});

Deno.test("a continue token below the compaction point is 410 Expired; a foreign one is 400", async () => {
  await using r = await rt();
  for (let i = 0; i < 4; i++) await r.client.create(ConfigMap, { metadata: { name: `c-${i}` } });
  const first = await r.client.list(ConfigMap, { limit: 2 });
  await r.client.patch(ConfigMap, "c-3", { data: { x: "1" } });
  await r.store.compact(await r.store.currentRevision());
  const err = await rejectsWith(
    r.client.list(ConfigMap, { limit: 2, continue: first.metadata.continue }),
    (e) => isResourceExpired(e) && e.code === 410,
  );
  assert.match(err.message, /^The provided continue parameter is too old/);
  // As etcd3's handleCompactedErrorForPaging: the 410 carries a token that goes on at the newest
  // revision from where the old one stopped.
  const onward = await r.client.list(ConfigMap, {
    limit: 5,
    continue: err.status.metadata.continue,
  });
  assert.deepEqual(names(onward.items), ["c-2", "c-3"]);
  assert.equal(onward.items[1].data?.x, "1");
  const token = (t: unknown) =>
    btoa(JSON.stringify(t)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const bad: [string, string][] = [
    ["not a token!", "continue key is not valid: illegal base64 data at input byte 3"],
    [
      token({ v: "meta.k8s.io/v1", rv: 0, start: "c-1\u0000" }),
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    ],
    [
      token({ v: "meta.k8s.io/v2", rv: 3, start: "c-1" }),
      "continue key is not valid: server does not recognize this encoded version version meta.k8s.io/v2",
    ],
    [
      token({ v: "meta.k8s.io/v1", rv: 3, start: "" }),
      "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)",
    ],
    [
      token({ v: "meta.k8s.io/v1", rv: 3, start: "../secrets/x" }),
      "continue key is not valid: ../secrets/x",
    ],
    [
      token({ v: "meta.k8s.io/v1", rv: "3", start: "c-1" }),
      "continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64",
    ],
    [
      btoa("{not json").replace(/=+$/, ""),
      "continue key is not valid: invalid character 'n' looking for beginning of object key string",
    ],
  ];
  for (const [continueToken, message] of bad) {
    await rejectsWith(
      r.client.list(ConfigMap, { limit: 2, continue: continueToken }),
      isBadRequest,
      `invalid continue token: ${message}`,
    );
  }
  await rejectsWith(
    r.client.list(ConfigMap, {
      limit: 2,
      continue: first.metadata.continue,
      resourceVersion: "5",
    }),
    isBadRequest,
    "specifying resource version is not allowed when using continue",
  );
});

Deno.test("list resourceVersionMatch: Exact reads history, NotOlderThan the newest state", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a" }, data: { v: "1" } });
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  const then = (await r.client.list(ConfigMap)).metadata.resourceVersion!;
  await r.client.patch(ConfigMap, "a", { data: { v: "2" } });
  await r.client.delete(ConfigMap, "b");
  await r.client.create(ConfigMap, { metadata: { name: "c" } });

  const exact = await r.client.list(ConfigMap, {
    resourceVersion: then,
    resourceVersionMatch: "Exact",
  });
  assert.equal(exact.metadata.resourceVersion, then);
  assert.deepEqual(names(exact.items), ["a", "b"]);
  assert.equal(exact.items[0].data?.v, "1");
  // A resourceVersion with a limit and no match is exact too (kube's legacy rule)...
  const paged = await r.client.list(ConfigMap, { resourceVersion: then, limit: 1 });
  assert.equal(paged.metadata.resourceVersion, then);
  assert.deepEqual(names(paged.items), ["a"]);
  const rest = await r.client.list(ConfigMap, { limit: 1, continue: paged.metadata.continue });
  assert.deepEqual(names(rest.items), ["b"]);
  // ...without a limit it is NotOlderThan: the newest state.
  for (const match of [undefined, "NotOlderThan"] as const) {
    const l = await r.client.list(ConfigMap, {
      resourceVersion: then,
      resourceVersionMatch: match,
    });
    assert.deepEqual(names(l.items), ["a", "c"]);
    assert.ok(Number(l.metadata.resourceVersion) > Number(then));
  }
  assert.deepEqual(names((await r.client.list(ConfigMap, { resourceVersion: "0" })).items), [
    "a",
    "c",
  ]);
  // Exact below the compaction point is 410.
  await r.store.compact(await r.store.currentRevision());
  await rejectsWith(
    r.client.list(ConfigMap, { resourceVersion: then, resourceVersionMatch: "Exact" }),
    (e) => isResourceExpired(e) && e.code === 410,
    "The resourceVersion for the provided list is too old.",
  );
});

Deno.test("list options kube-apiserver refuses are 422 on ListOptions.meta.k8s.io", async () => {
  await using r = await rt();
  const cases: [Parameters<typeof r.client.list>[1], string][] = [
    [
      { resourceVersionMatch: "Exact" },
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    ],
    [
      { resourceVersion: "0", resourceVersionMatch: "Exact" },
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    ],
    [
      { resourceVersion: "1", resourceVersionMatch: "Newest" as never },
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
    ],
    [
      { sendInitialEvents: true },
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    ],
  ];
  for (const [options, message] of cases) {
    const err = await rejectsWith(r.client.list(ConfigMap, options), isInvalid, message);
    assert.equal(err.code, 422);
    assert.equal(err.status.details?.kind, "ListOptions");
    assert.equal(err.status.details?.group, "meta.k8s.io");
  }
  await rejectsWith(
    r.client.list(ConfigMap, { resourceVersion: "abc" }),
    isBadRequest,
    'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
  );
  // resourceVersion "0" is served whole from the cache: the limit does not apply.
  for (let i = 0; i < 3; i++) await r.client.create(ConfigMap, { metadata: { name: `z-${i}` } });
  const whole = await r.client.list(ConfigMap, { resourceVersion: "0", limit: 1 });
  assert.equal(whole.items.length, 3);
  assert.equal(whole.metadata.continue, undefined);
});

Deno.test("a list or watch at a resourceVersion the store has not reached waits, then times out", async () => {
  await using r = await rt(200);
  const cm = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const next = String(Number(cm.metadata.resourceVersion) + 1);
  const far = String(Number(cm.metadata.resourceVersion) + 100);
  const tooLarge = (retry: number | undefined) => (e: ApiError) =>
    e.code === 504 && e.reason === "Timeout" &&
    e.status.details?.causes?.[0]?.reason === "ResourceVersionTooLarge" &&
    e.status.details?.retryAfterSeconds === retry;
  const message =
    `Timeout: Too large resource version: ${far}, current: ${cm.metadata.resourceVersion}`;
  // The watch cache's wait says retry after 1 s; etcd's exact read gives no hint.
  await rejectsWith(r.client.list(ConfigMap, { resourceVersion: far }), tooLarge(1), message);
  await rejectsWith(
    r.client.list(ConfigMap, { resourceVersion: far, resourceVersionMatch: "Exact" }),
    tooLarge(undefined),
    message,
  );
  await rejectsWith(r.client.get(ConfigMap, "a", { resourceVersion: far }), tooLarge(1), message);
  // A watch asking for the state at that resourceVersion gets the 504 as an ERROR event.
  const [error] = await collect(
    r.client.watch(ConfigMap, {
      resourceVersion: far,
      sendInitialEvents: true,
      resourceVersionMatch: "NotOlderThan",
    }),
    1,
  );
  assert.equal(error.type, "ERROR");
  assert.equal((error.object as unknown as Status).code, 504);
  assert.equal((error.object as unknown as Status).message, message);
  // A write that arrives while waiting lets the read go on.
  const listed = r.client.list(ConfigMap, { resourceVersion: next });
  const watched = collect(r.client.watch(ConfigMap, { resourceVersion: next }), 1);
  await new Promise((res) => setTimeout(res, 30));
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  await r.client.create(ConfigMap, { metadata: { name: "c" } });
  assert.deepEqual(names((await listed).items), ["a", "b", "c"]);
  // The watch starts after the resourceVersion asked for: b's create is not in it.
  const [ev] = await watched;
  assert.deepEqual([ev.type, ev.object.metadata.name], ["ADDED", "c"]);
});

Deno.test("sendInitialEvents: true sends the state then the end bookmark; false sends none", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const b = await r.client.create(ConfigMap, { metadata: { name: "b" } });
  const withInitial = r.client.watch(ConfigMap, {
    sendInitialEvents: true,
    resourceVersionMatch: "NotOlderThan",
    allowWatchBookmarks: true,
    resourceVersion: b.metadata.resourceVersion,
  });
  const without = r.client.watch(ConfigMap, {
    sendInitialEvents: false,
    resourceVersionMatch: "NotOlderThan",
    allowWatchBookmarks: true,
  });
  const p1 = collect(withInitial, 4);
  const p2 = collect(without, 1);
  await new Promise((res) => setTimeout(res, 20));
  await r.client.create(ConfigMap, { metadata: { name: "c" } });
  const evs = await p1;
  assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [
    ["ADDED", "a"],
    ["ADDED", "b"],
    ["BOOKMARK", undefined],
    ["ADDED", "c"],
  ]);
  assert.equal(evs[2].object.metadata.annotations?.["k8s.io/initial-events-end"], "true");
  assert.equal(evs[2].object.metadata.resourceVersion, b.metadata.resourceVersion);
  assert.deepEqual((await p2).map((e) => [e.type, e.object.metadata.name]), [["ADDED", "c"]]);
  // sendInitialEvents: false from an old resourceVersion: exactly the changes after it.
  const replay = await collect(
    r.client.watch(ConfigMap, {
      sendInitialEvents: false,
      resourceVersionMatch: "NotOlderThan",
      resourceVersion: b.metadata.resourceVersion,
    }),
    1,
  );
  assert.deepEqual(replay.map((e) => [e.type, e.object.metadata.name]), [["ADDED", "c"]]);
  // Legacy watches: "" and "0" start with the state; a resourceVersion does not.
  assert.deepEqual(names((await collect(r.client.watch(ConfigMap), 3)).map((e) => e.object)), [
    "a",
    "b",
    "c",
  ]);
  const quiet = r.client.watch(ConfigMap, {
    resourceVersion: await currentRv(r),
    signal: AbortSignal.timeout(50),
  });
  assert.deepEqual(await all(quiet), []);
});

async function currentRv(r: Runtime): Promise<string> {
  return (await r.client.list(ConfigMap, { limit: 1 })).metadata.resourceVersion!;
}

Deno.test("watch options kube-apiserver refuses are 422 on ListOptions.meta.k8s.io", async () => {
  await using r = await rt();
  const cases: [Parameters<typeof r.client.watch>[1], RegExp][] = [
    [
      { sendInitialEvents: true, allowWatchBookmarks: true },
      /sendInitialEvents requires setting resourceVersionMatch to NotOlderThan/,
    ],
    [
      { resourceVersionMatch: "NotOlderThan", resourceVersion: "1" },
      /resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided/,
    ],
    [
      { sendInitialEvents: false, resourceVersionMatch: "Exact", resourceVersion: "1" },
      /resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"/,
    ],
  ];
  for (const [options, message] of cases) {
    const err = await rejectsWith(
      collect(r.client.watch(ConfigMap, options), 1),
      isInvalid,
      message,
    );
    assert.equal(err.code, 422);
    assert.match(err.message, /^ListOptions\.meta\.k8s\.io "" is invalid: /);
  }
});

Deno.test("an object leaving a watch's selector is DELETED with its last matching state", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, {
    metadata: { name: "a", labels: { app: "web" } },
    data: { v: "1" },
  });
  const w = collect(r.client.watch(ConfigMap, { labelSelector: "app=web" }), 3);
  await new Promise((res) => setTimeout(res, 10));
  const moved = await r.client.patch(ConfigMap, "a", {
    metadata: { labels: { app: "db" } },
    data: { v: "2" },
  });
  const back = await r.client.patch(ConfigMap, "a", { metadata: { labels: { app: "web" } } });
  const evs = await w;
  assert.deepEqual(evs.map((e) => e.type), ["ADDED", "DELETED", "ADDED"]);
  // The DELETED event: the object as it last matched, at the resourceVersion of the change.
  assert.equal(evs[1].object.metadata.labels?.app, "web");
  assert.equal(evs[1].object.data?.v, "1");
  assert.equal(evs[1].object.metadata.resourceVersion, moved.metadata.resourceVersion);
  assert.equal(evs[2].object.metadata.resourceVersion, back.metadata.resourceVersion);
  assert.equal(evs[2].object.data?.v, "2");
});

Deno.test("watch failures after the request is accepted are ERROR events, as kube sends them", async () => {
  await using r = await rt();
  for (let i = 0; i < 3; i++) await r.client.create(ConfigMap, { metadata: { name: `c-${i}` } });
  const old = (await r.client.list(ConfigMap)).metadata.resourceVersion!;
  await r.client.create(ConfigMap, { metadata: { name: "later" } });
  await r.store.compact(await r.store.currentRevision());
  const events = await all(r.client.watch(ConfigMap, { resourceVersion: old }));
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "ERROR");
  const st = events[0].object as unknown as Status;
  assert.deepEqual([st.kind, st.code, st.reason], ["Status", 410, "Expired"]);
  assert.match(st.message!, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  // Options kube refuses stay request errors.
  await rejectsWith(
    collect(r.client.watch(ConfigMap, { resourceVersion: "x" }), 1),
    (e) => e.code === 500,
    'resourceVersion: Invalid value: "x": strconv.ParseUint: parsing "x": invalid syntax',
  );
});

Deno.test("initial events: the end bookmark for rv 0 with bookmarks; none without them", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const types = (evs: WatchEvent<KubeObject>[]) =>
    evs.map((e) =>
      e.type === "BOOKMARK"
        ? `BOOKMARK${e.object.metadata.annotations?.["k8s.io/initial-events-end"] ? " (end)" : ""}`
        : `${e.type} ${e.object.metadata.name}`
    );
  // kube-apiserver 1.34 treats a watch from "0" with bookmarks as sendInitialEvents=true.
  const legacy = await collect(
    r.client.watch(ConfigMap, { resourceVersion: "0", allowWatchBookmarks: true }),
    2,
  );
  assert.deepEqual(types(legacy), ["ADDED a", "BOOKMARK (end)"]);
  // sendInitialEvents without bookmarks is accepted (kube keeps that for compatibility): no end.
  const ac = new AbortController();
  const plain = all(
    r.client.watch(ConfigMap, {
      sendInitialEvents: true,
      resourceVersionMatch: "NotOlderThan",
      signal: ac.signal,
    }),
  );
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  setTimeout(() => ac.abort(), 30);
  assert.deepEqual(types(await plain), ["ADDED a", "ADDED b"]);
});

Deno.test("periodic bookmarks carry the store's progress and are never repeated", async () => {
  await using r = await createRuntime({ store: "memory:", bookmarkIntervalMs: 20 });
  const cm = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const ac = new AbortController();
  const seen = all(
    r.client.watch(ConfigMap, {
      resourceVersion: cm.metadata.resourceVersion,
      allowWatchBookmarks: true,
      signal: ac.signal,
    }),
  );
  await new Promise((res) => setTimeout(res, 70)); // quiet: no bookmark (nothing moved)
  const { Namespace } = await import("@k1s/k1s");
  const ns = await r.client.create(Namespace, { metadata: { name: "other-kind" } });
  await new Promise((res) => setTimeout(res, 90));
  ac.abort();
  const events = await seen;
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.resourceVersion]),
    [["BOOKMARK", ns.metadata.resourceVersion]],
  );
});

Deno.test("object names that are not path segments are 400s, as kube's key functions say", async () => {
  await using r = await rt();
  for (
    const [name, why] of [["a/b", "may not contain '/'"], ["..", "may not be '..'"], [
      "50%",
      "may not contain '%'",
    ]]
  ) {
    const message = `Name parameter invalid: ${JSON.stringify(name)}: ${why}`;
    await rejectsWith(r.client.get(ConfigMap, name), isBadRequest, message);
    await rejectsWith(r.client.delete(ConfigMap, name), isBadRequest, message);
    await rejectsWith(r.client.patch(ConfigMap, name, { data: {} }), isBadRequest, message);
  }
});

Deno.test("selectors: label sets are parsed as sent; Event's source field is kube's", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a", labels: { app: "web" } } });
  assert.deepEqual(
    names((await r.client.list(ConfigMap, { labelSelector: { app: "web" } })).items),
    ["a"],
  );
  await rejectsWith(
    r.client.list(ConfigMap, { labelSelector: { "bad key": "x" } }),
    isBadRequest,
    /^unable to parse requirement: /,
  );
  const { Event } = await import("@k1s/k1s");
  const ev = (name: string, source: Record<string, string>, reportingComponent?: string) =>
    r.client.create(Event, {
      metadata: { name },
      involvedObject: { kind: "ConfigMap", name: "a", namespace: "default" },
      source,
      reportingComponent,
    } as never);
  await ev("e1", { component: "kubelet" });
  await ev("e2", {}, "kubelet");
  await ev("e3", { component: "other" });
  const bySource = await r.client.list(Event, { fieldSelector: "source=kubelet" });
  assert.deepEqual(names(bySource.items), ["e1", "e2"]);
  await rejectsWith(
    r.client.list(Event, { fieldSelector: "source.component=kubelet" }),
    isBadRequest,
    "field label not supported: source.component",
  );
});

Deno.test("a watch with timeoutSeconds ends cleanly when the time is up", async () => {
  await using r = await rt();
  const started = Date.now();
  const events = await all(
    r.client.watch(ConfigMap, { resourceVersion: "0", timeoutSeconds: 0.05 }),
  );
  assert.deepEqual(events, []);
  assert.ok(Date.now() - started >= 40, "ended early");
});
