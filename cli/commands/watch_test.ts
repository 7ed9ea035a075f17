// `get -w` printing: the current table, then one row per change, header once, widths remembered.
import assert from "node:assert/strict";
import { type Clock, ConfigMap, createRuntime, type Runtime } from "@k1s/k1s";
import { type CapturedIO, captureIO } from "../io.ts";
import { type CommandContext, embeddedCliRuntime } from "../kit.ts";
import { watchAndPrint, type WatchPrintOptions } from "./watch.ts";

const T0 = Date.parse("2024-01-01T00:00:00Z");
const clock: Clock = {
  now: () => T0,
  setTimer(fn, ms) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

function context(rt: Runtime, io: CapturedIO): CommandContext {
  return {
    io,
    cli: { name: "k1s", version: "0.0.0", commands: [] },
    flags: {},
    args: [],
    namespace: "default",
    namespaceGiven: false,
    runtime: () => Promise.resolve(embeddedCliRuntime(rt)),
    core: () => Promise.resolve(rt),
    scheme: () => Promise.resolve(rt.scheme),
    storeUrl: () => "memory:",
    help: () => Promise.resolve(""),
  };
}

/** Waits (without asserting on time) until `io.out` has `lines` lines. */
async function lines(io: CapturedIO, n: number): Promise<void> {
  for (let i = 0; i < 1000 && io.out.split("\n").length - 1 < n; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(io.out.split("\n").length - 1, n, io.out);
}

async function run(
  options: WatchPrintOptions,
  initial: number,
  changes: (rt: Runtime) => Promise<void>,
  total: number,
): Promise<{ code: number; out: string; err: string }> {
  await using rt = await createRuntime({ store: "memory:", clock });
  await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { k: "1" },
  });
  const io = captureIO({ now: T0 + 30_000 });
  const stop = new AbortController();
  const done = watchAndPrint(context(rt, io), ConfigMap, {
    namespace: "default",
    ...options,
    signal: stop.signal,
  });
  await lines(io, initial);
  await changes(rt);
  await lines(io, total);
  stop.abort();
  return { code: await done, out: io.out, err: io.err };
}

const changes = async (rt: Runtime) => {
  await new Promise((r) => setTimeout(r, 20)); // let the watch start; it resumes from the list
  await rt.client.create(ConfigMap, {
    metadata: { name: "a-much-longer-name", namespace: "default" },
  });
  await rt.client.patch(ConfigMap, "a", { data: { k: "1", l: "2" } }, { namespace: "default" });
  await rt.client.delete(ConfigMap, "a-much-longer-name", { namespace: "default" });
};

Deno.test("get -w prints the table, then a row per change without repeating the header", async () => {
  const r = await run({}, 2, changes, 5);
  assert.equal(
    r.out,
    "NAME   DATA   AGE\n" +
      "a      1      30s\n" +
      "a-much-longer-name   0      30s\n" +
      "a                    2      30s\n" +
      "a-much-longer-name   0      30s\n",
  );
  assert.deepEqual([r.code, r.err], [0, ""]);
});

Deno.test("get --watch-only prints the header with the first change only", async () => {
  const r = await run({ watchOnly: true }, 0, changes, 4);
  assert.equal(
    r.out,
    "NAME                 DATA   AGE\n" +
      "a-much-longer-name   0      30s\n" +
      "a                    2      30s\n" +
      "a-much-longer-name   0      30s\n",
  );
});

Deno.test("get -w -o name and a named object", async () => {
  const named = await run({ output: "name", names: ["a"] }, 1, changes, 2);
  assert.equal(named.out, "configmap/a\nconfigmap/a\n");
  const wide = await run(
    { output: "wide", namespaceColumn: true, namespace: undefined },
    2,
    async (rt) => {
      await rt.client.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
    },
    3,
  );
  assert.equal(
    wide.out,
    "NAMESPACE   NAME   DATA   AGE\ndefault     a      1      30s\ndefault     b      0      30s\n",
  );
  await using rt = await createRuntime({ store: "memory:", clock });
  const io = captureIO();
  await assert.rejects(
    watchAndPrint(context(rt, io), ConfigMap, { namespace: "default", names: ["nope"] }),
    /configmaps "nope" not found/,
  );
});

Deno.test("get -w --output-watch-events: an EVENT column first, the current objects ADDED", async () => {
  const r = await run({ outputWatchEvents: true }, 2, changes, 5);
  assert.equal(
    r.out,
    "EVENT      NAME   DATA   AGE\n" +
      "ADDED      a      1      30s\n" +
      "ADDED      a-much-longer-name   0      30s\n" +
      "MODIFIED   a                    2      30s\n" +
      "DELETED    a-much-longer-name   0      30s\n",
  );
  // With -A the event comes before the namespace; --watch-only prints only the changes.
  const all = await run(
    { outputWatchEvents: true, namespaceColumn: true, namespace: undefined, watchOnly: true },
    0,
    changes,
    4,
  );
  assert.equal(
    all.out,
    "EVENT      NAMESPACE   NAME                 DATA   AGE\n" +
      "ADDED      default     a-much-longer-name   0      30s\n" +
      "MODIFIED   default     a                    2      30s\n" +
      "DELETED    default     a-much-longer-name   0      30s\n",
  );
});

Deno.test("get -w --output-watch-events -o json|yaml|name|jsonpath: kubectl's WatchEvent", async () => {
  const uid = (s: string) => s.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "UID");
  // JSON: one compact line per event, type first, then the object with sorted keys.
  const json = await run({ outputWatchEvents: true, output: "json" }, 1, changes, 4);
  const lines = uid(json.out).split("\n");
  assert.equal(
    lines[0],
    '{"type":"ADDED","object":{"apiVersion":"v1","data":{"k":"1"},"kind":"ConfigMap",' +
      '"metadata":{"creationTimestamp":"2024-01-01T00:00:00Z","name":"a","namespace":"default",' +
      '"resourceVersion":"2","uid":"UID"}}}',
  );
  assert.deepEqual(
    lines.slice(1, -1).map((l) => {
      const e = JSON.parse(l);
      return [e.type, e.object.metadata.name];
    }),
    [["ADDED", "a-much-longer-name"], ["MODIFIED", "a"], ["DELETED", "a-much-longer-name"]],
  );
  // YAML: the event's keys sorted (object, then type), documents separated by ---.
  const yaml = await run(
    { outputWatchEvents: true, output: "yaml", watchOnly: true },
    0,
    changes,
    35,
  );
  assert.equal(
    uid(yaml.out).split("---\n")[0],
    "object:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n" +
      '    creationTimestamp: "2024-01-01T00:00:00Z"\n    name: a-much-longer-name\n' +
      '    namespace: default\n    resourceVersion: "3"\n    uid: UID\ntype: ADDED\n',
  );
  assert.deepEqual(yaml.out.match(/^type: \w+$/gm), [
    "type: ADDED",
    "type: MODIFIED",
    "type: DELETED",
  ]);
  // -o name names the object; the templates see the event.
  const name = await run({ outputWatchEvents: true, output: "name" }, 1, changes, 4);
  assert.equal(
    name.out,
    "configmap/a\nconfigmap/a-much-longer-name\nconfigmap/a\nconfigmap/a-much-longer-name\n",
  );
  const path = await run(
    { outputWatchEvents: true, output: 'jsonpath={.type} {.object.metadata.name}{"\\n"}' },
    1,
    changes,
    4,
  );
  assert.equal(
    path.out,
    "ADDED a\nADDED a-much-longer-name\nMODIFIED a\nDELETED a-much-longer-name\n",
  );
});
