// The operator as real processes on one SQLite file: two `sites run` managers elect a leader on
// the Lease default/k1s-controllers, CLI writes from other processes leave the work to it, and
// when the leader is killed with SIGKILL the standby takes over once the lease expires.
import assert from "node:assert/strict";
import { createRuntime, eventsFor } from "@k1s/k1s";
import { captureIO } from "@k1s/k1s/cli";
import { sites } from "./cli.ts";
import { Website } from "./kinds.ts";

const cliPath = new URL("./cli.ts", import.meta.url).pathname;
const sample = new URL("./sample.yaml", import.meta.url).pathname;
const config = new URL("../../deno.json", import.meta.url).pathname;
const LEASE_MS = 2000;
const LEASE_FLAGS = ["--lease-duration=2s", "--renew-deadline=1500ms", "--retry-period=250ms"];

/** A `sites run` process and the lines it wrote to standard error. */
class Operator {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  readonly #waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  readonly #reading: Promise<void>;

  constructor(store: string, dnsDir: string) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        config,
        cliPath,
        `--store=${store}`,
        "run",
        `--dns-dir=${dnsDir}`,
        "--metrics-port=0",
        ...LEASE_FLAGS,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#reading = this.#read();
  }

  async #read(): Promise<void> {
    let buf = "";
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        for (const w of this.#waiters.filter((w) => w.test(line))) w.resolve(line);
      }
    }
  }

  /** Resolves with the first line passing `test` (at once if one was written). */
  wrote(test: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** The identity from the start line. */
  async identity(): Promise<string> {
    const line = await this.wrote((l) => l.startsWith("sites run: ") && l.includes(" watching "));
    return line.split(" ")[2];
  }

  /** Where its metrics server listens, from the start line. */
  async metricsUrl(): Promise<string> {
    const line = await this.wrote((l) => l.includes("metrics at "));
    return line.match(/metrics at (\S+?)\)/)![1];
  }

  leads(): boolean {
    return this.lines.some((l) => l.includes("successfully acquired lease"));
  }

  /** JSON log lines of the reconciles of Website `name`. */
  logsOf(name: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)).filter((l) =>
      l.controller === "website" && l.name === name
    );
  }

  async kill(signal: Deno.Signal = "SIGKILL"): Promise<Deno.CommandStatus> {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
    const status = await this.child.status;
    await this.#reading;
    return status;
  }
}

/** Runs the CLI in a process of its own, as a user would. */
async function sitesProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, cliPath, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let id: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`${what}: not within ${ms}ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(id));
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("two `sites run` processes: one leads and reconciles; after SIGKILL the other takes over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sites-mp-" });
  const store = `sqlite:${dir}/store.db`;
  const dnsDir = `${dir}/dns`;
  const env = { SITES_DNS_DIR: dnsDir };
  const record = (name: string) => `${dnsDir}/default_${name}.json`;
  // Reads in this process, through the same CLI (read-only commands run no controllers).
  const get = async (...args: string[]) => {
    const io = captureIO();
    const code = await sites.run([`--store=${store}`, "get", ...args], io);
    assert.equal(code, 0, io.err);
    return io.out;
  };
  const holder = () => get("lease", "k1s-controllers", "-o", "jsonpath={.spec.holderIdentity}");
  const ops: Operator[] = [];
  try {
    {
      await using _rt = await createRuntime({ store, kinds: [Website] }); // the store exists first
    }
    ops.push(new Operator(store, dnsDir), new Operator(store, dnsDir));
    const ids = await within(Promise.all(ops.map((o) => o.identity())), 15_000, "both start");
    assert.notEqual(ids[0], ids[1]);
    await within(
      Promise.race(ops.map((o) => o.wrote((l) => l.includes("successfully acquired lease")))),
      10_000,
      "a leader is elected",
    );
    // A few retry periods later the other still waits.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(ops.filter((o) => o.leads()).length, 1);
    const leader = ops.find((o) => o.leads())!;
    const standby = ops.find((o) => o !== leader)!;
    assert.equal(await holder(), await leader.identity());

    // A write from another process: its triggered run is skipped (the lease is held), the
    // leader reconciles.
    const applied = await sitesProcess([`--store=${store}`, "apply", "-f", sample], env);
    assert.equal(applied.code, 0, applied.err);
    await until(
      async () => (await exists(record("blog"))) && (await exists(record("docs"))),
      5000,
      "the leader writes the DNS records",
    );
    await until(
      async () =>
        (await get("site", "-o", "jsonpath={.items[*].status.url}")).split(" ").length === 2,
      5000,
      "both Websites report a URL",
    );
    assert.equal(
      await get("cm,secret", "-o", "name"),
      "configmap/blog-content\nconfigmap/docs-content\nsecret/blog-tls\n",
    );
    assert.ok(leader.logsOf("blog").some((l) => l.msg === "Wrote DNS record"));
    assert.equal(standby.logsOf("blog").length, 0);
    {
      // The events say who did it: the manager of `sites run`, not a CLI's triggered run.
      await using rt = await createRuntime({ store, kinds: [Website] });
      const blog = await rt.client.get(Website, "blog");
      const sources = new Set((await eventsFor(rt.client, blog)).map((e) => e.source?.component));
      assert.deepEqual([...sources], ["website-controller"]);
    }

    // Kill the leader without a chance to release the lease, then write again. The writer
    // runs no controllers (--no-controllers): the standby must do the work.
    await leader.kill("SIGKILL");
    const killedAt = performance.now();
    const shop = `${dir}/shop.yaml`;
    await Deno.writeTextFile(
      shop,
      JSON.stringify({
        apiVersion: "sites.example.k1s.dev/v1",
        kind: "Website",
        metadata: { name: "shop" },
        spec: { domain: "shop.example.com", content: "<h1>Shop</h1>", tls: true },
      }),
    );
    const created = await sitesProcess(
      [`--store=${store}`, "--no-controllers", "create", "-f", shop],
      env,
    );
    assert.equal(created.code, 0, created.err);
    await within(
      standby.wrote((l) => l.includes("successfully acquired lease")),
      LEASE_MS + 3000,
      "the standby takes over",
    );
    // Not at once: it waited for the lease to expire (a SIGKILLed leader releases nothing).
    const tookOver = performance.now() - killedAt;
    assert.ok(tookOver >= LEASE_MS / 2, `took over after ${tookOver}ms`);
    await until(() => exists(record("shop")), LEASE_MS + 4000, "the new leader reconciles shop");
    const took = performance.now() - killedAt;
    assert.ok(took < LEASE_MS + 4000, `took ${took}ms`);
    assert.ok(standby.logsOf("shop").some((l) => l.msg === "Wrote DNS record"));
    assert.equal(await holder(), await standby.identity());
    assert.equal(
      await get("site", "shop", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'),
      "True",
    );

    // The survivor's metrics count its reconciles.
    const metrics = await (await fetch(await standby.metricsUrl())).text();
    assert.match(
      metrics,
      /controller_runtime_reconcile_total\{controller="website",result="\w+"\} [1-9]/,
    );

    // SIGTERM: the survivor stops cleanly and releases the lease.
    const status = await within(standby.kill("SIGTERM"), 10_000, "the survivor stops");
    assert.equal(status.code, 0, standby.lines.join("\n"));
    assert.ok(standby.lines.includes("sites run: stopped"), standby.lines.join("\n"));
    assert.equal(await holder(), "");
  } finally {
    for (const o of ops) await o.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
