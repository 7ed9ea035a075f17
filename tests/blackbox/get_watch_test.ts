// Black-box: `k1s get -w` and `--watch-only` as long-running processes — kubectl's initial table,
// then one row (or document) per ADDED, MODIFIED and DELETED event, written by other processes.
import assert from "node:assert/strict";
import { assertFails, assertOk, freshAges, type Sandbox, sandbox, spawn } from "./_harness.ts";

/** Longest wait for a watcher's output before the test fails. */
const TIMEOUT_MS = 20_000;

/** A `k1s get … -w` process on a sandbox's store, read line by line as it prints. */
class Watcher implements AsyncDisposable {
  /** Everything printed on stdout so far. */
  out = "";
  readonly #child: Deno.ChildProcess;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #err: Promise<string>;
  readonly #decoder = new TextDecoder();
  #pending?: Promise<ReadableStreamReadResult<Uint8Array>>;
  #ended = false;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#reader = child.stdout.getReader();
    this.#err = new Response(child.stderr).text();
  }

  /** Starts `k1s <args>` with the sandbox's environment and working directory. */
  static async start(s: Sandbox, args: string[]): Promise<Watcher> {
    const child = await spawn(s, args);
    return new Watcher(child);
  }

  /** Reads stdout until `done(out)` holds (true) or `ms` pass (false). */
  async waitFor(done: (out: string) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done(this.out)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      this.#pending ??= this.#reader.read();
      const r = await Promise.race([this.#pending, timeout]);
      clearTimeout(timer);
      if (r === "timeout") return false;
      this.#pending = undefined;
      if (r.done) {
        this.#ended = true;
        throw new Error(`watcher ended; stdout:\n${this.out}\nstderr:\n${await this.#err}`);
      }
      this.out += this.#decoder.decode(r.value, { stream: true });
    }
    return true;
  }

  /** Reads stdout until `done(out)` holds; fails after {@linkcode TIMEOUT_MS}. */
  async until(done: (out: string) => boolean, what: string): Promise<string> {
    if (!(await this.waitFor(done, TIMEOUT_MS))) {
      throw new Error(`no ${what} within ${TIMEOUT_MS} ms; stdout so far:\n${this.out}`);
    }
    return this.out;
  }

  /** Reads until stdout has `n` complete lines. */
  lines(n: number, what = `${n} lines`): Promise<string> {
    return this.until((out) => out.split("\n").length - 1 >= n, what);
  }

  /** Stops the process and returns what it printed on stderr. */
  async stop(): Promise<string> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    if (!this.#ended) {
      for (;;) {
        const r = await (this.#pending ?? this.#reader.read());
        this.#pending = undefined;
        if (r.done) break;
        this.out += this.#decoder.decode(r.value, { stream: true });
      }
      this.#ended = true;
    }
    this.#reader.releaseLock();
    return await this.#err;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

Deno.test("get -w prints the table, then a row per change with remembered widths (--sort-by ignored)", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "a1", "--from-literal=k=v"]), "configmap/a1 created\n");
  await using w = await Watcher.start(s, ["get", "cm", "-w", "--sort-by=.metadata.name"]);
  await w.lines(2, "initial table");
  assertOk(
    await s.k1s(["create", "cm", "second-one", "--from-literal=k=v", "--from-literal=l=w"]),
    "configmap/second-one created\n",
  );
  assertOk(await s.k1s(["label", "cm", "second-one", "x=y"]), "configmap/second-one labeled\n");
  assertOk(await s.k1s(["delete", "cm", "second-one"]), 'configmap "second-one" deleted\n');
  await w.lines(5, "rows for ADDED, MODIFIED and DELETED");
  assert.equal(
    await w.stop(),
    "warning: --watch requested, --sort-by will be ignored for watch events received\n",
  );
  // Later rows keep the widths printed before and only widen them, as kubectl's tab writer does.
  assert.equal(
    freshAges(w.out),
    "NAME   DATA   AGE\n" +
      "a1     1      0s\n" +
      "second-one   2      0s\n" +
      "second-one   2      0s\n" +
      "second-one   2      0s\n",
  );
});

Deno.test("get --watch-only prints no current objects; the header comes with the first change", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["create", "cm", "probe", "--from-literal=k=v"]),
    "configmap/probe created\n",
  );
  await using w = await Watcher.start(s, ["get", "configmaps", "--watch-only"]);
  // Nothing shows when the watch starts, so change `probe` until the watcher reports it.
  const changed = (out: string) => out.split("\n").length - 1 >= 2;
  for (let i = 1; i <= 10; i++) {
    assertOk(
      await s.k1s(["label", "cm", "probe", "--overwrite", `n=${i}`]),
      "configmap/probe labeled\n",
    );
    if (await w.waitFor(changed, 2000)) break;
  }
  await w.lines(2, "the first change");
  assertOk(
    await s.k1s(["create", "cm", "x-new", "--from-literal=k=v"]),
    "configmap/x-new created\n",
  );
  assertOk(await s.k1s(["delete", "cm", "x-new"]), 'configmap "x-new" deleted\n');
  await w.until(
    (out) => out.split("\n").filter((l) => l.startsWith("x-new")).length === 2,
    "x-new",
  );
  assert.equal(await w.stop(), "");
  const lines = freshAges(w.out).split("\n").slice(0, -1);
  assert.deepEqual(lines.slice(0, 2), ["NAME    DATA   AGE", "probe   1      0s"]);
  assert.deepEqual(lines.filter((l) => !l.startsWith("probe")), [
    "NAME    DATA   AGE",
    "x-new   1      0s",
    "x-new   1      0s",
  ]);
  assert.ok(lines.slice(1).every((l) => l === "probe   1      0s" || l === "x-new   1      0s"));
});

Deno.test("get -w -o name and -o json stream each change; -l, -n and -A filter it", async () => {
  await using s = await sandbox();
  const seed = await s.file(
    "seed.yaml",
    `apiVersion: v1
kind: Namespace
metadata:
  name: w2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: base
  labels: {app: web}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other-base
  namespace: w2
`,
  );
  assertOk(
    await s.k1s(["create", "-f", seed]),
    "namespace/w2 created\nconfigmap/base created\nconfigmap/other-base created\n",
  );
  await using names = await Watcher.start(s, ["get", "cm", "-w", "-o", "name", "-l", "app=web"]);
  await using docs = await Watcher.start(s, ["get", "cm", "-A", "--watch", "-o", "json"]);
  const complete = (n: number) => (out: string) => (out.match(/^}$/gm) ?? []).length >= n;
  await names.lines(1, "the current object");
  await docs.until(complete(2), "the current objects");
  // Not selected by `names` (no label, then another namespace); then `plain` gets the label.
  assertOk(await s.k1s(["create", "cm", "plain"]), "configmap/plain created\n");
  assertOk(await s.k1s(["create", "cm", "far", "-n", "w2"]), "configmap/far created\n");
  assertOk(await s.k1s(["label", "cm", "plain", "app=web"]), "configmap/plain labeled\n");
  await names.lines(2, "the labelled object");
  await docs.until(complete(5), "three changes");
  assert.equal(await names.stop(), "");
  assert.equal(await docs.stop(), "");
  assert.equal(names.out, "configmap/base\nconfigmap/plain\n");
  // One JSON document per object, as kubectl's printer writes them (4-space indent).
  const parsed = docs.out.split(/(?<=^})\n/m).filter((d) => d).map((d) => JSON.parse(d));
  assert.deepEqual(
    parsed.map((o) => [o.kind, o.metadata.namespace, o.metadata.name, o.metadata.labels]),
    [
      ["ConfigMap", "default", "base", { app: "web" }],
      ["ConfigMap", "w2", "other-base", undefined],
      ["ConfigMap", "default", "plain", undefined],
      ["ConfigMap", "w2", "far", undefined],
      ["ConfigMap", "default", "plain", { app: "web" }],
    ],
  );
  assert.match(
    docs.out,
    /^{\n {4}"apiVersion": "v1",\n {4}"kind": "ConfigMap",\n {4}"metadata": {\n {8}"creationTimestamp": /,
  );
});

Deno.test("get -w --output-watch-events: the event type first, current objects as ADDED (kubectl 1.32's)", async () => {
  await using s = await sandbox();
  // Without -w or --watch-only, kubectl 1.32 refuses the flag (checked before any request).
  assertFails(
    await s.k1s(["get", "cm", "--output-watch-events"]),
    "error: --output-watch-events option can only be used with --watch or --watch-only\n",
  );
  assertOk(await s.k1s(["create", "cm", "a", "--from-literal=k=v"]), "configmap/a created\n");
  await using table = await Watcher.start(s, ["get", "cm", "-w", "--output-watch-events"]);
  await using json = await Watcher.start(s, [
    "get",
    "cm",
    "--watch-only",
    "--output-watch-events",
    "-o",
    "json",
  ]);
  await table.lines(2, "the current object");
  // --watch-only shows nothing until a change: change `a` until the JSON watcher reports it.
  for (let i = 1; i <= 10; i++) {
    assertOk(await s.k1s(["label", "cm", "a", "--overwrite", `n=${i}`]), "configmap/a labeled\n");
    if (await json.waitFor((out) => out.includes("\n"), 2000)) break;
  }
  assertOk(await s.k1s(["create", "cm", "b-longer-name"]), "configmap/b-longer-name created\n");
  assertOk(await s.k1s(["delete", "cm", "b-longer-name"]), 'configmap "b-longer-name" deleted\n');
  const done = (out: string) => out.includes("DELETED");
  await table.until(done, "the deletion");
  await json.until(done, "the deletion");
  assert.equal(await table.stop(), "");
  assert.equal(await json.stop(), "");
  // As kubectl 1.32 prints it (seen against k1s serve): EVENT before the columns, the type
  // padded to eight characters, widths remembered.
  const rows = freshAges(table.out).split("\n").slice(0, -1);
  assert.deepEqual(rows.slice(0, 2), [
    "EVENT      NAME   DATA   AGE",
    "ADDED      a      1      0s",
  ]);
  assert.ok(rows.slice(2, -2).every((r) => r === "MODIFIED   a      1      0s"), rows.join("\n"));
  assert.deepEqual(rows.slice(-2), [
    "ADDED      b-longer-name   0      0s",
    "DELETED    b-longer-name   0      0s",
  ]);
  // JSON: one compact metav1.WatchEvent a line, `type` first.
  const events = json.out.split("\n").slice(0, -1);
  for (const line of events) assert.match(line, /^{"type":"[A-Z]+","object":{"apiVersion":"v1",/);
  assert.deepEqual(
    events.map((l) => JSON.parse(l)).map((e) => [e.type, e.object.metadata.name]).slice(-2),
    [["ADDED", "b-longer-name"], ["DELETED", "b-longer-name"]],
  );
  assert.ok(events.slice(0, -2).every((l) => l.startsWith('{"type":"MODIFIED"')));
});
