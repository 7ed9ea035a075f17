import assert from "node:assert/strict";
import type { Client } from "../client/client.ts";
import { Lease } from "../resources/coordination_v1.ts";
import { createRuntime } from "../runtime.ts";
import { isStoreClosed } from "../storage/types.ts";
import { defaultLeaderIdentity, LeaderElector } from "./leader_election.ts";

// Short but valid timings: the lease records whole seconds, so 1 s is the shortest lease.
const FAST = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 150 };
const ns = { namespace: "default" };

interface Candidate {
  elector: LeaderElector;
  stop: AbortController;
  done: Promise<void>;
  /** Resolves with the leading signal when the candidate starts leading. */
  leading: Promise<AbortSignal>;
  events: string[];
}

function candidate(
  client: Client,
  identity: string,
  extra: { releaseOnCancel?: boolean } = {},
): Candidate {
  const stop = new AbortController();
  const events: string[] = [];
  let started!: (s: AbortSignal) => void;
  const leading = new Promise<AbortSignal>((r) => started = r);
  const elector = new LeaderElector(client, {
    name: "lock",
    identity,
    ...FAST,
    ...extra,
    onStartedLeading: (signal) => {
      events.push("started");
      started(signal);
    },
    onStoppedLeading: () => events.push("stopped"),
    onNewLeader: (id) => events.push(`leader ${id}`),
  });
  return { elector, stop, done: elector.run(stop.signal), leading, events };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("one candidate acquires, renews, and releases the lease on cancel", async () => {
  await using rt = await createRuntime();
  const a = candidate(rt.client, "a");
  const signal = await a.leading;
  assert.equal(a.elector.isLeader(), true);
  assert.equal(a.elector.leader(), "a");
  const first = await rt.client.get(Lease, "lock", ns);
  assert.equal(first.spec?.holderIdentity, "a");
  assert.equal(first.spec?.leaseDurationSeconds, 1);
  assert.equal(first.spec?.leaseTransitions, 0);
  assert.match(first.spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await delay(400); // a couple of renewals
  const renewed = await rt.client.get(Lease, "lock", ns);
  assert.notEqual(renewed.spec?.renewTime, first.spec?.renewTime);
  assert.equal(renewed.spec?.acquireTime, first.spec?.acquireTime);
  a.stop.abort();
  await a.done;
  assert.equal(signal.aborted, true);
  assert.deepEqual(a.events, ["leader a", "started", "stopped"]);
  const released = await rt.client.get(Lease, "lock", ns);
  assert.equal(released.spec?.holderIdentity, "");
  assert.equal(released.spec?.leaseDurationSeconds, 1);
  assert.equal(released.spec?.leaseTransitions, 0);
  assert.equal(a.elector.isLeader(), false);
});

Deno.test("a standby takes over at once when the leader releases on cancel", async () => {
  await using rt = await createRuntime();
  const a = candidate(rt.client, "a");
  await a.leading;
  const b = candidate(rt.client, "b");
  await delay(500);
  assert.equal(b.elector.isLeader(), false);
  assert.equal(b.elector.leader(), "a");
  assert.ok(b.events.includes("leader a"));
  const t0 = performance.now();
  a.stop.abort();
  await a.done;
  await b.leading;
  // The next attempt (at most retryPeriod × 2.2 later) finds the lease free.
  assert.ok(performance.now() - t0 < FAST.leaseDurationMs, "took over before the lease expired");
  const lease = await rt.client.get(Lease, "lock", ns);
  assert.equal(lease.spec?.holderIdentity, "b");
  assert.equal(lease.spec?.leaseTransitions, 1);
  b.stop.abort();
  await b.done;
});

Deno.test("a standby takes over once a leader that stopped renewing expires", async () => {
  await using rt = await createRuntime();
  const a = candidate(rt.client, "a", { releaseOnCancel: false });
  await a.leading;
  const b = candidate(rt.client, "b");
  await delay(300);
  const t0 = performance.now();
  a.stop.abort(); // stops renewing; the lease still names "a"
  await a.done;
  assert.equal((await rt.client.get(Lease, "lock", ns)).spec?.holderIdentity, "a");
  await b.leading;
  const took = performance.now() - t0;
  // Not before the lease duration minus one retry period (b's last observation may predate
  // a's last renewal by that much), within the lease duration plus one jittered retry.
  assert.ok(took >= FAST.leaseDurationMs - 2.2 * FAST.retryPeriodMs, `took over after ${took}ms`);
  assert.ok(took < FAST.leaseDurationMs + 2.2 * FAST.retryPeriodMs + 300, `took ${took}ms`);
  const lease = await rt.client.get(Lease, "lock", ns);
  assert.equal(lease.spec?.holderIdentity, "b");
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.ok(b.events.includes("leader b"));
  b.stop.abort();
  await b.done;
});

Deno.test("a leader that cannot renew stops leading before its lease expires", async () => {
  await using rt = await createRuntime();
  let failing = false;
  let lastWrite = 0;
  const client = new Proxy(rt.client, {
    get(target, prop) {
      if (prop === "update") {
        return async (...args: Parameters<Client["update"]>) => {
          if (failing) throw new Error("injected update failure");
          const out = await target.update(...args);
          lastWrite = performance.now();
          return out;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as Client;
  const a = candidate(client, "a");
  const signal = await a.leading;
  await delay(300);
  failing = true;
  const lost = new Promise<number>((r) =>
    signal.addEventListener("abort", () => r(performance.now()), { once: true })
  );
  const at = await lost;
  await a.done; // run() resolves once leadership is lost
  assert.ok(lastWrite > 0);
  const held = at - lastWrite;
  assert.ok(held < FAST.leaseDurationMs, `stopped leading ${held}ms after the last renewal`);
  assert.ok(held >= FAST.renewDeadlineMs, `gave up after ${held}ms, before renewDeadline`);
  assert.deepEqual(a.events, ["leader a", "started", "stopped"]);
  // The lease was not released (updates fail): it still names "a" and expires on its own.
  assert.equal((await rt.client.get(Lease, "lock", ns)).spec?.holderIdentity, "a");
});

Deno.test("leaseTransitions counts changes of holder", async () => {
  await using rt = await createRuntime();
  for (const [i, id] of ["a", "b", "a"].entries()) {
    const c = candidate(rt.client, id);
    await c.leading;
    const lease = await rt.client.get(Lease, "lock", ns);
    assert.equal(lease.spec?.leaseTransitions, i);
    c.stop.abort();
    await c.done;
  }
});

Deno.test("a closed store ends run() with the store's error", async () => {
  const rt = await createRuntime();
  const a = candidate(rt.client, "a");
  await a.leading;
  const b = candidate(rt.client, "b");
  await delay(200);
  await rt.close();
  await Promise.all([assert.rejects(a.done, isStoreClosed), assert.rejects(b.done, isStoreClosed)]);
  assert.ok(a.events.includes("stopped"));
  assert.ok(b.events.includes("stopped"));
});

Deno.test("options that cannot work are refused as client-go refuses them", async () => {
  await using rt = await createRuntime();
  const make = (o: Record<string, number | string>) => () =>
    new LeaderElector(rt.client, { name: "lock", ...o });
  assert.throws(
    make({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    {
      message: 'Cannot elect a leader on lease "default/lock": leaseDuration must be greater ' +
        "than renewDeadline (10000ms <= 10000ms)",
    },
  );
  assert.throws(
    make({ renewDeadlineMs: 2400, retryPeriodMs: 2000 }),
    /renewDeadline must be greater than retryPeriod\*JitterFactor \(2400ms <= 2000ms \* 1\.2\)/,
  );
  assert.throws(make({ retryPeriodMs: 0 }), /retryPeriod must be greater than zero/);
  assert.throws(
    make({ leaseDurationMs: 900, renewDeadlineMs: 600, retryPeriodMs: 100 }),
    /leaseDuration must be at least 1000ms/,
  );
  assert.throws(make({ name: "" }), /the lease name is empty/);
  assert.throws(make({ identity: "" }), /the identity is empty/);
  const ok = new LeaderElector(rt.client, { name: "lock" });
  assert.match(ok.identity, /_[0-9a-f-]{36}$/);
  assert.notEqual(defaultLeaderIdentity(), ok.identity);
});

Deno.test("run() may not run twice at once, and ends at once when aborted while waiting", async () => {
  await using rt = await createRuntime();
  const a = candidate(rt.client, "a");
  await a.leading;
  const b = candidate(rt.client, "b");
  await assert.rejects(b.elector.run(new AbortController().signal), /already running/);
  b.stop.abort();
  await b.done;
  assert.deepEqual(b.events.filter((e) => e !== "leader a"), ["stopped"]);
  a.stop.abort();
  await a.done;
});
