// Leader election between real processes on one SQLite file: exactly one leads, and when the
// leader is killed with SIGKILL (no release) the other takes over once the lease expires.
import assert from "node:assert/strict";
import { createRuntime, Lease } from "@k1s/k1s";

const fixture = new URL("./fixtures/leader_process.ts", import.meta.url).pathname;
const config = new URL("../deno.json", import.meta.url).pathname;
const LEASE_MS = 2000;

/** A candidate process and the lines it printed. */
class Candidate {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  readonly #waiters: { match: string; resolve: () => void }[] = [];
  readonly #stderr: Promise<string>;
  readonly #reading: Promise<void>;

  constructor(url: string, readonly identity: string) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", config, fixture, url, "lock", identity],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stderr = new Response(this.child.stderr).text();
    this.#reading = this.#read();
  }

  async #read(): Promise<void> {
    let buf = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        for (const w of this.#waiters.filter((w) => w.match === line)) w.resolve();
      }
    }
  }

  /** Resolves when the process prints `line` (at once if it has). */
  printed(line: string): Promise<void> {
    if (this.lines.includes(line)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match: line, resolve }));
  }

  get leading(): boolean {
    return this.lines.includes(`leading ${this.identity}`);
  }

  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.child.status;
    await this.#reading;
  }

  stderr(): Promise<string> {
    return this.#stderr;
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let id: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`${what}: not within ${ms}ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(id));
}

Deno.test("two processes on one SQLite file: one leads; after SIGKILL the other takes over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-leader-" });
  const url = `sqlite:${dir}/store.db`;
  const procs: Candidate[] = [];
  try {
    {
      await using _rt = await createRuntime({ store: url });
    }
    procs.push(new Candidate(url, "a"), new Candidate(url, "b"));
    const [a, b] = procs;
    await within(Promise.all([a.printed("ready"), b.printed("ready")]), 20_000, "start");
    await within(
      Promise.race([a.printed("leading a"), b.printed("leading b")]),
      10_000,
      "a leader is elected",
    );
    // Several retry periods later the other still waits.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(procs.filter((p) => p.leading).length, 1, `lines: ${a.lines} / ${b.lines}`);
    const leader = a.leading ? a : b;
    const standby = leader === a ? b : a;

    const t0 = performance.now();
    await leader.kill();
    await within(
      standby.printed(`leading ${standby.identity}`),
      LEASE_MS + 1000,
      `${standby.identity} takes over after the leader is killed`,
    ).catch(async (err) => {
      throw new Error(`${err.message}; stderr: ${await standby.stderr()}`);
    });
    const took = performance.now() - t0;
    // Not at once: the standby waits for the lease to expire (no release on SIGKILL).
    assert.ok(took >= LEASE_MS / 2, `took over after ${took}ms`);
    await standby.kill();

    await using rt = await createRuntime({ store: url });
    const lease = await rt.client.get(Lease, "lock", { namespace: "default" });
    assert.equal(lease.spec?.holderIdentity, standby.identity);
    assert.equal(lease.spec?.leaseTransitions, 1);
  } finally {
    for (const p of procs) await p.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
