/**
 * Leader election on a Lease, as client-go's `tools/leaderelection` does
 * it; the protocol is documented on {@linkcode LeaderElector}.
 *
 * @module
 */
import { type Clock, realClock, sleepOn } from "../apimachinery/clock.ts";
import { isConflict, isNotFound } from "../apimachinery/errors.ts";
import type { Client } from "../client/client.ts";
import { Lease, type LeaseSpec, microTime } from "../resources/coordination_v1.ts";

/** client-go's `JitterFactor`: acquire retries wait retryPeriod × (1 + up to 1.2). */
export const JITTER_FACTOR = 1.2;

/** Options of a {@linkcode LeaderElector}. */
export interface LeaderElectionOptions {
  /** Name of the Lease. */
  name: string;
  /** Namespace of the Lease; default `default`. */
  namespace?: string;
  /** This candidate's identity; default {@linkcode defaultLeaderIdentity}(). */
  identity?: string;
  /** How long candidates wait before taking a lease that is not renewed; default 15000. */
  leaseDurationMs?: number;
  /** How long the leader retries renewing before it stops leading; default 10000. */
  renewDeadlineMs?: number;
  /** Interval between attempts to acquire or renew; default 2000. */
  retryPeriodMs?: number;
  /** Release the lease when `run`'s signal aborts while leading; default true. */
  releaseOnCancel?: boolean;
}

/** What a {@linkcode LeaderElector} calls as leadership changes. */
export interface LeaderCallbacks {
  /**
   * Called on acquiring the lease; `signal` aborts when leadership is lost
   * or `run`'s signal aborts. Not awaited.
   */
  onStartedLeading?(signal: AbortSignal): void;
  /** Called when `run()` ends, whether or not this candidate led. */
  onStoppedLeading?(): void;
  /** Called (asynchronously) when a new holder of the lease is observed, this one included. */
  onNewLeader?(identity: string): void;
}

/**
 * The identity controller-runtime gives a candidate: `<hostname>_<uuid>`.
 * Without permission to read the hostname, `localhost` stands in.
 *
 * @example
 * ```ts
 * import { defaultLeaderIdentity } from "./leader_election.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(defaultLeaderIdentity(), /^.+_[0-9a-f-]{36}$/);
 * assert.notEqual(defaultLeaderIdentity(), defaultLeaderIdentity());
 * ```
 */
export function defaultLeaderIdentity(): string {
  let host = "localhost";
  try {
    host = Deno.hostname();
  } catch {
    // No --allow-sys: the uuid alone keeps identities distinct.
  }
  return `${host}_${crypto.randomUUID()}`;
}

/** client-go's `LeaderElectionRecord`, as a LeaseLock reads and writes it. */
interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
  strategy: string;
  preferredHolder: string;
}

const EMPTY_RECORD: LeaderElectionRecord = {
  holderIdentity: "",
  leaseDurationSeconds: 0,
  acquireTime: "",
  renewTime: "",
  leaderTransitions: 0,
  strategy: "",
  preferredHolder: "",
};

function toRecord(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? "",
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? "",
    renewTime: spec?.renewTime ?? "",
    leaderTransitions: spec?.leaseTransitions ?? 0,
    strategy: spec?.strategy ?? "",
    preferredHolder: spec?.preferredHolder ?? "",
  };
}

function toSpec(r: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime,
    renewTime: r.renewTime,
    leaseTransitions: r.leaderTransitions,
  };
  if (r.preferredHolder) spec.preferredHolder = r.preferredHolder;
  if (r.strategy) spec.strategy = r.strategy;
  return spec;
}

/** A closed store never comes back: the election ends instead of retrying. */
function isFinal(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "closed";
}

/** The result of an attempt that was abandoned (deadline passed or run's signal aborted). */
const ABANDONED = Symbol("abandoned");

/** Waits for `promise`, or gives up when `signal` aborts. */
function until<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABANDONED> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(ABANDONED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABANDONED);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** A signal that aborts `ms` from now on `clock`, or with `parent`; `dispose` cancels the timer. */
function deadline(
  clock: Clock,
  ms: number,
  parent: AbortSignal,
): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const cancel = clock.setTimer(() => ac.abort(new Error("renew deadline passed")), ms);
  const onParent = () => ac.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  return {
    signal: ac.signal,
    dispose() {
      cancel();
      parent.removeEventListener("abort", onParent);
    },
  };
}

/**
 * Leader election on a Lease, as client-go's `tools/leaderelection` does it
 * with a `LeaseLock`: of the processes running a {@linkcode LeaderElector}
 * on one lease, at most one leads at a time (as long as clocks run at the
 * same rate; they need not agree on the time).
 *
 * Expected flow:
 * 1. `run(signal)` tries to acquire the lease every `retryPeriod` (jittered
 *    by up to 1.2 × `retryPeriod`, as `wait.JitterUntil`): it creates the
 *    lease, takes it when it is free (no holder) or expired, and otherwise
 *    waits.
 * 2. On acquiring it, it calls `onStartedLeading(leading)` and renews the
 *    lease every `retryPeriod`.
 * 3. When a renewal does not succeed within `renewDeadline` (retried every
 *    `retryPeriod`), or `signal` aborts, `leading` aborts; with
 *    `releaseOnCancel` (the default) the lease is released (holder cleared,
 *    duration 1 s) so a standby takes over at once; `onStoppedLeading()` is
 *    called and `run()` resolves. A caller that wants to campaign again calls
 *    `run()` again, as with client-go.
 *
 * Guarantees:
 * - Expiry is judged by the local time at which this process last saw the
 *   lease record change (client-go's `observedTime`), never by the
 *   `renewTime` stamp another process wrote, so clock skew between
 *   processes does not matter.
 * - A leader stops leading (its signal aborts) within `renewDeadline` +
 *   `retryPeriod` of its last successful renewal, before other candidates
 *   can consider the lease expired (`leaseDuration`, checked:
 *   `renewDeadline < leaseDuration`).
 * - `spec.leaseTransitions` counts changes of holder.
 * - Writes are optimistic: an update carries the resourceVersion read, so
 *   two candidates racing for a lease cannot both win.
 *
 * Assumptions: all candidates use the same lease name and namespace and
 * distinct identities.
 *
 * Caveats:
 * - `onStoppedLeading` is called whenever `run()` ends, even when this
 *   process never led (as in client-go).
 * - The lease stores whole seconds: `leaseDurationMs` must be at least 1000
 *   and is truncated to seconds in the lease, as client-go does.
 *
 * Errors: failures to read or write the lease are retried; a closed store is
 * final: `run()` rejects with the store's error (after `onStoppedLeading`),
 * unless `signal` had already aborted. The constructor throws on invalid
 * options.
 *
 * @example
 * ```ts
 * import { createRuntime, Lease } from "../../mod.ts";
 * import { LeaderElector } from "./leader_election.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const stop = new AbortController();
 * const elector = new LeaderElector(rt.client, {
 *   name: "lock",
 *   identity: "a",
 *   releaseOnCancel: false,
 *   onStartedLeading: () => stop.abort(),
 * });
 * await elector.run(stop.signal);
 * const lease = await rt.client.get(Lease, "lock", { namespace: "default" });
 * assert.equal(lease.spec?.holderIdentity, "a");
 * assert.equal(lease.spec?.leaseDurationSeconds, 15);
 * ```
 */
export class LeaderElector {
  /** This candidate's identity, written to `spec.holderIdentity` while it leads. */
  readonly identity: string;
  readonly #client: Client;
  readonly #name: string;
  readonly #namespace: string;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #releaseOnCancel: boolean;
  readonly #callbacks: LeaderCallbacks;
  readonly #clock: Clock;
  /** The lease last read or written (the LeaseLock's `lease`). */
  #lease: Lease | undefined;
  #observedRecord: LeaderElectionRecord = EMPTY_RECORD;
  #observedRaw = "";
  #observedTime = 0;
  #reportedLeader = "";
  #running = false;

  /**
   * Checks the options as client-go's `NewLeaderElector` does; throws when
   * they cannot work.
   */
  constructor(
    client: Client,
    options: LeaderElectionOptions & LeaderCallbacks & { clock?: Clock },
  ) {
    this.#client = client;
    this.#name = options.name;
    this.#namespace = options.namespace ?? "default";
    this.identity = options.identity ?? defaultLeaderIdentity();
    this.#leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.#releaseOnCancel = options.releaseOnCancel ?? true;
    this.#callbacks = {
      onStartedLeading: options.onStartedLeading,
      onStoppedLeading: options.onStoppedLeading,
      onNewLeader: options.onNewLeader,
    };
    this.#clock = options.clock ?? realClock;
    const problem = this.#checkOptions();
    if (problem) {
      throw new TypeError(
        `Cannot elect a leader on lease "${this.#describe()}": ${problem}`,
      );
    }
  }

  #checkOptions(): string | undefined {
    const lease = this.#leaseDurationMs;
    const renew = this.#renewDeadlineMs;
    const retry = this.#retryPeriodMs;
    if (!this.#name) return "the lease name is empty";
    if (!this.identity) return "the identity is empty";
    for (
      const [name, v] of [["leaseDuration", lease], ["renewDeadline", renew], [
        "retryPeriod",
        retry,
      ]] as const
    ) {
      if (!Number.isFinite(v) || v < 1) return `${name} must be greater than zero (got ${v}ms)`;
    }
    if (lease <= renew) {
      return `leaseDuration must be greater than renewDeadline (${lease}ms <= ${renew}ms)`;
    }
    if (renew <= JITTER_FACTOR * retry) {
      return `renewDeadline must be greater than retryPeriod*JitterFactor ` +
        `(${renew}ms <= ${retry}ms * ${JITTER_FACTOR})`;
    }
    if (lease < 1000) {
      return `leaseDuration must be at least 1000ms: a Lease records whole seconds (got ${lease}ms)`;
    }
    return undefined;
  }

  #describe(): string {
    return `${this.#namespace}/${this.#name}`;
  }

  /** Whether the last observed record names this candidate as the holder. */
  isLeader(): boolean {
    return this.#observedRecord.holderIdentity === this.identity;
  }

  /** The holder of the lease in the last observed record; undefined when nobody holds it. */
  leader(): string | undefined {
    return this.#observedRecord.holderIdentity || undefined;
  }

  /**
   * Campaigns, leads while the lease is held, and resolves when leadership
   * is lost or `signal` aborts (see the module documentation).
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) {
      throw new Error(`LeaderElector of lease "${this.#describe()}" is already running`);
    }
    this.#running = true;
    try {
      if (!(await this.#acquire(signal))) return;
      const leading = new AbortController();
      const onAbort = () => leading.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        this.#callbacks.onStartedLeading?.(leading.signal);
        await this.#renew(leading.signal);
      } finally {
        signal.removeEventListener("abort", onAbort);
        leading.abort(new Error(`leadership of lease "${this.#describe()}" lost`));
        if (this.#releaseOnCancel) await this.#release();
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      this.#running = false;
      this.#callbacks.onStoppedLeading?.();
    }
  }

  /** client-go's `acquire`: tries until it succeeds or `signal` aborts. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const ok = await until(this.#tryAcquireOrRenew(signal), signal);
      this.#maybeReportTransition();
      if (ok === true) return true;
      if (ok === ABANDONED) return false;
      const wait = this.#retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      await sleepOn(this.#clock, wait, signal);
    }
    return false;
  }

  /**
   * client-go's `renew`: every retryPeriod, renews the lease, retrying every
   * retryPeriod for up to renewDeadline; returns when that fails or `signal`
   * aborts.
   */
  async #renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const attempt = deadline(this.#clock, this.#renewDeadlineMs, signal);
      let renewed = false;
      try {
        while (!attempt.signal.aborted) {
          const ok = await until(this.#tryAcquireOrRenew(attempt.signal), attempt.signal);
          if (ok === true) {
            renewed = true;
            break;
          }
          await sleepOn(this.#clock, this.#retryPeriodMs, attempt.signal);
        }
      } finally {
        attempt.dispose();
      }
      this.#maybeReportTransition();
      if (!renewed) return;
      await sleepOn(this.#clock, this.#retryPeriodMs, signal);
    }
  }

  /**
   * client-go's `tryAcquireOrRenew`: true when this candidate holds the
   * lease afterwards. Store errors are false, except a closed store, which
   * is thrown. Nothing is recorded once `signal` has aborted.
   */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.#clock.now();
    const stamp = microTime(now);
    const record: LeaderElectionRecord = {
      ...EMPTY_RECORD,
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.floor(this.#leaseDurationMs / 1000),
      renewTime: stamp,
      acquireTime: stamp,
    };

    // Fast path: the leader renews the lease it holds without reading it first.
    if (this.isLeader() && this.#isLeaseValid(now) && this.#lease) {
      const observed = this.#observedRecord;
      record.acquireTime = observed.acquireTime;
      record.leaderTransitions = observed.leaderTransitions;
      try {
        await this.#update(record, signal);
        return true;
      } catch (err) {
        if (isFinal(err)) throw err;
        // Falls back to the slow path: read, then decide.
      }
    }

    let current: Lease;
    try {
      current = await this.#client.get(Lease, this.#name, { namespace: this.#namespace });
    } catch (err) {
      if (isFinal(err)) throw err;
      if (!isNotFound(err)) return false;
      try {
        const created = await this.#client.create(Lease, {
          metadata: { name: this.#name, namespace: this.#namespace },
          spec: toSpec(record),
        }, { namespace: this.#namespace });
        if (signal.aborted) return false;
        this.#lease = created;
        this.#setObservedRecord(record);
        return true;
      } catch (e) {
        if (isFinal(e)) throw e;
        return false;
      }
    }
    if (signal.aborted) return false;
    this.#lease = current;
    const old = toRecord(current.spec);
    const raw = JSON.stringify(old);
    if (raw !== this.#observedRaw) {
      this.#setObservedRecord(old);
      this.#observedRaw = raw;
    }
    if (old.holderIdentity && this.#isLeaseValid(now) && !this.isLeader()) {
      return false; // held by another candidate and not expired
    }
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
    } else {
      record.leaderTransitions = old.leaderTransitions + 1;
    }
    try {
      await this.#update(record, signal);
      return true;
    } catch (err) {
      if (isFinal(err)) throw err;
      return false;
    }
  }

  /** The LeaseLock's `Update`: writes `record` over the lease last read, at its resourceVersion. */
  async #update(record: LeaderElectionRecord, signal: AbortSignal): Promise<void> {
    const lease = this.#lease;
    if (!lease) throw new Error("lease not initialized, call get or create first");
    const updated = await this.#client.update(Lease, { ...lease, spec: toSpec(record) }, {
      namespace: this.#namespace,
    });
    if (signal.aborted) throw new Error("attempt abandoned");
    this.#lease = updated;
    this.#setObservedRecord(record);
  }

  /**
   * client-go's `release`: clears the holder (duration 1 s) if this
   * candidate still holds the lease, retrying on conflicts, for at most
   * renewDeadline. Failures are ignored: the lease then expires.
   */
  async #release(): Promise<void> {
    const ac = new AbortController();
    const attempt = deadline(this.#clock, this.#renewDeadlineMs, ac.signal);
    try {
      await until(this.#tryRelease(attempt.signal), attempt.signal);
    } catch {
      // The lease expires on its own.
    } finally {
      attempt.dispose();
    }
  }

  async #tryRelease(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const current = await this.#client.get(Lease, this.#name, { namespace: this.#namespace });
      this.#lease = current;
      const old = toRecord(current.spec);
      // client-go checks only its observed record; a holder read just now is surer.
      if (!this.isLeader() || old.holderIdentity !== this.identity) return;
      const now = microTime(this.#clock.now());
      const record: LeaderElectionRecord = {
        ...EMPTY_RECORD,
        leaderTransitions: old.leaderTransitions,
        leaseDurationSeconds: 1,
        renewTime: now,
        acquireTime: now,
      };
      try {
        await this.#update(record, signal);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  #isLeaseValid(now: number): boolean {
    return this.#observedTime + this.#observedRecord.leaseDurationSeconds * 1000 > now;
  }

  #setObservedRecord(record: LeaderElectionRecord): void {
    this.#observedRecord = record;
    this.#observedTime = this.#clock.now();
  }

  /** Reports a change of holder to `onNewLeader`, asynchronously as client-go does. */
  #maybeReportTransition(): void {
    const holder = this.#observedRecord.holderIdentity;
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    const onNewLeader = this.#callbacks.onNewLeader;
    if (onNewLeader && holder) queueMicrotask(() => onNewLeader(holder));
  }
}
