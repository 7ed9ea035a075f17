// `wait` run in-process through the kit on temporary SQLite stores; a second runtime on the same
// file plays the other writer (another process, as far as the store is concerned).
import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigMap, createRuntime, defineKind } from "@k1s/k1s";
import { defineCli } from "../kit.ts";
import { parseGoDuration, parseWaitFor, waitCommand } from "./wait.ts";
import { runCli } from "../_test_helpers.ts";
import { captureIO } from "../io.ts";

const Widget = defineKind({
  group: "test.k1s.dev",
  version: "v1",
  kind: "Widget",
  spec: z.object({ size: z.number().optional() }),
  status: z.object({
    phase: z.string().optional(),
    conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
  }),
});

const cli = defineCli({
  name: "k1s",
  version: "0.0.0",
  kinds: [Widget],
  commands: [waitCommand],
});

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "k1s-wait-" });
  const store = `sqlite:${dir}/store.db`;
  const rt = await createRuntime({ store, kinds: [Widget] });
  return {
    store,
    rt,
    async [Symbol.asyncDispose]() {
      await rt.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function k(store: string, args: string[]) {
  return runCli(cli, ["--store", store, ...args]);
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function widget(rt: Awaited<ReturnType<typeof setup>>["rt"], name: string) {
  await rt.client.create(Widget, { metadata: { name, namespace: "default" }, spec: {} });
}

function setStatus(
  rt: Awaited<ReturnType<typeof setup>>["rt"],
  name: string,
  status: Record<string, unknown>,
) {
  return rt.client.status.patch(Widget, name, { status }, { namespace: "default" });
}

Deno.test("wait --for=condition: met at once, and met after another writer sets it", async () => {
  await using s = await setup();
  await widget(s.rt, "a");
  await setStatus(s.rt, "a", { conditions: [{ type: "Ready", status: "True" }] });
  assert.deepEqual(await k(s.store, ["wait", "--for=condition=Ready", "widget/a"]), {
    code: 0,
    out: "widget.test.k1s.dev/a condition met\n",
    err: "",
  });
  // Condition names and values compare case-insensitively; `=false` waits for False.
  const notReady = await k(s.store, [
    "wait",
    "--for=condition=ready=false",
    "widgets",
    "a",
    "--timeout=200ms",
  ]);
  assert.equal(notReady.code, 1);
  assert.equal(notReady.err, "error: timed out waiting for the condition on widgets/a\n");

  await widget(s.rt, "b");
  const waiting = k(s.store, ["wait", "--for=condition=Ready", "widget/b", "--timeout=20s"]);
  await later(100);
  await setStatus(s.rt, "b", { conditions: [{ type: "Ready", status: "False" }] });
  await setStatus(s.rt, "b", { conditions: [{ type: "Ready", status: "True" }] });
  assert.deepEqual(await waiting, {
    code: 0,
    out: "widget.test.k1s.dev/b condition met\n",
    err: "",
  });
});

Deno.test("wait --for=jsonpath compares the value kubectl prints", async () => {
  await using s = await setup();
  await widget(s.rt, "a");
  const waiting = k(s.store, ["wait", "--for=jsonpath={.status.phase}=Running", "widget/a"]);
  await later(100);
  await setStatus(s.rt, "a", { phase: "Pending" });
  await setStatus(s.rt, "a", { phase: "Running" });
  assert.deepEqual(await waiting, {
    code: 0,
    out: "widget.test.k1s.dev/a condition met\n",
    err: "",
  });
  // Relaxed path without braces, and a path without a value (any value will do).
  assert.equal((await k(s.store, ["wait", "--for=jsonpath=.status.phase", "widget/a"])).code, 0);
  const filter = await k(s.store, [
    "wait",
    "--for=jsonpath={.metadata.labels}",
    "widget/a",
    "--timeout=0",
  ]);
  assert.equal(filter.err, "error: condition not met for widgets/a\n");
});

Deno.test("wait --for=delete: deleted by another writer, and collected by the controllers", async () => {
  await using s = await setup();
  await s.rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
  const waiting = k(s.store, ["wait", "--for=delete", "configmap/x"]);
  await later(100);
  await s.rt.client.delete(ConfigMap, "x", { namespace: "default" });
  assert.deepEqual(await waiting, { code: 0, out: "configmap/x condition met\n", err: "" });

  // A dependent whose owner is gone is deleted only when the garbage collector runs; in a CLI
  // process that happens when wait settles the controllers.
  const owner = await s.rt.client.create(ConfigMap, {
    metadata: { name: "owner", namespace: "default" },
  });
  await s.rt.client.create(ConfigMap, {
    metadata: {
      name: "dep",
      namespace: "default",
      ownerReferences: [{
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "owner",
        uid: owner.metadata.uid!,
      }],
    },
  });
  await s.rt.client.delete(ConfigMap, "owner", { namespace: "default" });
  await s.rt.client.get(ConfigMap, "dep", { namespace: "default" }); // still there
  assert.deepEqual(await k(s.store, ["wait", "--for=delete", "cm", "dep", "--timeout=10s"]), {
    code: 0,
    out: "configmap/dep condition met\n",
    err: "",
  });
  // Already gone: nothing to wait for, as kubectl.
  assert.deepEqual(await k(s.store, ["wait", "--for=delete", "cm/nothing"]), {
    code: 0,
    out: "",
    err: "",
  });
});

Deno.test("wait times out with kubectl's message and exit code 1", async () => {
  await using s = await setup();
  await widget(s.rt, "a");
  const r = await k(s.store, ["wait", "--for=condition=Ready", "widget/a", "--timeout=300ms"]);
  assert.deepEqual(r, {
    code: 1,
    out: "",
    err: "error: timed out waiting for the condition on widgets/a\n",
  });
  const once = await k(s.store, ["wait", "--for=condition=Ready", "widget/a", "--timeout=0"]);
  assert.deepEqual(once, { code: 1, out: "", err: "error: condition not met for widgets/a\n" });
  await s.rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
  const del = await k(s.store, ["wait", "--for=delete", "cm/x", "--timeout=200ms"]);
  assert.equal(del.err, "error: timed out waiting for the condition on configmaps/x\n");
});

Deno.test("wait with a selector waits on every match; bad input gets kubectl's errors", async () => {
  await using s = await setup();
  for (const name of ["a", "b"]) {
    await s.rt.client.create(Widget, {
      metadata: { name, namespace: "default", labels: { app: "w" } },
      spec: {},
    });
    await setStatus(s.rt, name, { phase: "Running" });
  }
  assert.deepEqual(
    await k(s.store, ["wait", "widgets", "-l", "app=w", "--for=jsonpath={.status.phase}=Running"]),
    {
      code: 0,
      out: "widget.test.k1s.dev/a condition met\nwidget.test.k1s.dev/b condition met\n",
      err: "",
    },
  );
  const cases: [string[], string][] = [
    [["wait", "--for=foo", "widget/a"], 'error: unrecognized condition: "foo"\n'],
    [["wait", "widget/a"], 'error: unrecognized condition: ""\n'],
    [
      ["wait", "--for=condition=Ready", "widget/zz"],
      'Error from server (NotFound): widgets.test.k1s.dev "zz" not found\n',
    ],
    [
      ["wait", "--for=condition=Ready", "widgets", "-l", "app=none"],
      "error: no matching resources found\n",
    ],
    [
      ["wait", "--for=condition=Ready", "widgets"],
      "error: resource(s) were provided, but no name was specified\n",
    ],
    [
      ["wait", "--for=condition=Ready", "widget/a", "--timeout=5"],
      'error: invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"\n' +
      "See 'k1s wait --help' for usage.\n",
    ],
    [
      ["wait", "--for=jsonpath={.a}=1=2", "widget/a"],
      "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'\n",
    ],
    [
      ["wait", "--for=jsonpath={.status}=x", "widget/a"],
      "error: jsonpath leads to a nested object or list which is not supported\n",
    ],
  ];
  for (const [args, err] of cases) {
    const r = await k(s.store, args);
    assert.deepEqual([r.code, r.err, args], [1, err, args]);
  }
});

Deno.test("durations parse as Go's time.ParseDuration; --for parses as kubectl's", () => {
  assert.equal(parseGoDuration("30s"), 30_000);
  assert.equal(parseGoDuration("1m30s"), 90_000);
  assert.equal(parseGoDuration("500ms"), 500);
  assert.equal(parseGoDuration("1.5h"), 5_400_000);
  assert.equal(parseGoDuration("-1s"), -1000);
  assert.equal(parseGoDuration("0"), 0);
  assert.throws(() => parseGoDuration(""), /^Error: time: invalid duration ""$/);
  assert.throws(() => parseGoDuration("1x"), /time: unknown unit "x" in duration "1x"/);
  assert.throws(() => parseGoDuration("abc"), /time: invalid duration "abc"/);
  assert.deepEqual(parseWaitFor("DELETE"), { type: "delete" });
  assert.deepEqual(parseWaitFor("condition=Ready"), {
    type: "condition",
    name: "Ready",
    status: "true",
  });
  const filter = parseWaitFor(`jsonpath={.status.conditions[?(@.type=="Ready")].status}=True`);
  assert.equal(filter.type === "jsonpath" && filter.value, "True");
  assert.throws(() => parseWaitFor("jsonpath={.a}="), /has to have a value after equal sign/);
  assert.throws(() => parseWaitFor("jsonpath="), /jsonpath expression cannot be empty/);
});

Deno.test("wait on a terminal says what it waits for, and clears the line before printing", async () => {
  await using s = await setup();
  await s.rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
  let err = "";
  let out = "";
  const io = {
    ...captureIO(),
    isTerminal: true,
    stderr: (t: string) => void (err += t),
    stdout: (t: string) => void (out += t),
  };
  const waiting = cli.run(
    ["--store", s.store, "wait", "--for=delete", "cm/x", "--timeout=60s"],
    io,
  );
  // The line appears once the wait has lasted a second; then the object goes away.
  const deadline = Date.now() + 20_000;
  while (!err.includes("waiting for configmaps/x: ")) {
    assert.ok(Date.now() < deadline, `no progress line on stderr: ${JSON.stringify(err)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await s.rt.client.delete(ConfigMap, "x", { namespace: "default" });
  assert.equal(await waiting, 0);
  assert.equal(out, "configmap/x condition met\n");
  assert.ok(err.endsWith("\r\x1b[2K"), "the progress line is cleared");
});
