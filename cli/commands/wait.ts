/**
 * `wait`: kubectl's `wait --for=condition=…|delete|jsonpath=…` with `--timeout`, over a watch of
 * each object (no polling), plus {@linkcode waitForDeletion} for `delete --wait`.
 *
 * Expected flow: the targets are resolved once (names, `-l`, `--all`); then, one after the
 * other and under one shared deadline as in kubectl, each object is read, checked, and — when
 * the condition does not hold yet — watched from the revision it was read at until it does.
 * Every met object prints `kind/name condition met` (kubectl's wording, also for
 * `--for=delete`).
 *
 * Controllers: a CLI process runs the built-in controllers (garbage collector, namespace
 * lifecycle) and the CLI author's controllers only in triggered mode. Without help, an object
 * waiting for garbage collection, a foreground deletion or a terminating namespace would never
 * go away, and a status written by a controller would never appear. So `wait` calls
 * `rt.settle()` before its first check of every object and again every `settleIntervalMs`
 * (default one second) while the condition is not met; writes made by settling reach the
 * watch like any other change.
 *
 * Errors: kubectl's messages — `timed out waiting for the condition on configmaps/x`,
 * `condition not met for configmaps/x` (`--timeout=0`), `no matching resources found`,
 * `unrecognized condition: "foo"` — as {@linkcode CliError} (exit code 1).
 *
 * @module
 */
import { PRINT_FLAGS, printFlags } from "./read_flags.ts";
import { isNotFound } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { goSprint, type JsonPathTemplate, parseJsonPath, relaxedJsonPath } from "../jsonpath.ts";
import { CliError } from "../errors.ts";
import type { CliRuntime, Command, CommandContext } from "../kit.ts";
import { kindPrefix, printNamed } from "../printers/mod.ts";
import { parseResourceArgs } from "../resources.ts";
import { type WaitProgress, waitProgress } from "../progress.ts";

/** What `--for` asks for. */
export type WaitCondition =
  | { type: "delete" }
  | { type: "create" }
  | { type: "condition"; name: string; status: string }
  | { type: "jsonpath"; path: JsonPathTemplate; value?: string };

/** One object to wait on. */
export interface WaitTarget {
  /** Its kind. */
  kind: Kind;
  /** Its name. */
  name: string;
  /** Its namespace, for namespaced kinds. */
  namespace?: string;
  /** For deletion: an object of this name with another uid counts as deleted (recreated). */
  uid?: string;
}

/** Options of {@linkcode waitForTargets}. */
export interface WaitOptions {
  /** How long to wait in ms, shared by all targets; 0 checks once; negative waits a week. */
  timeoutMs: number;
  /** Called with each object whose condition is met (its last state; for deletion, maybe none). */
  onMet?: (target: WaitTarget, obj: KubeObject | undefined) => void | Promise<void>;
  /** How often to run the controllers (`rt.settle()`) while waiting, in ms. Default 1000. */
  settleIntervalMs?: number;
  /** Stops waiting early (the promise then rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Where to say, on a terminal, what is being waited for (see `waitProgress`). */
  progress?: WaitProgress;
}

const WEEK_MS = 168 * 3600_000;

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3600_000,
};

/**
 * Parses a duration as Go's `time.ParseDuration` does (`30s`, `1m30s`, `500ms`, `1.5h`, `0`)
 * and returns milliseconds. Throws an Error with Go's message (`time: invalid duration "x"`).
 *
 * @example
 * ```ts
 * import { parseGoDuration } from "./wait.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseGoDuration("1m30s"), 90_000);
 * assert.throws(() => parseGoDuration("5"), /missing unit in duration "5"/);
 * ```
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const invalid = () => new Error(`time: invalid duration ${quoted}`);
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0;
  while (s !== "") {
    const num = /^(\d*)(\.(\d*))?/.exec(s)!;
    if (num[1] === "" && (num[3] ?? "") === "") throw invalid();
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === "") throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    }
    s = s.slice(unit.length);
    total += Number(`${num[1] || "0"}.${num[3] || "0"}`) * scale;
  }
  return sign * total;
}

/** Splits `expr=value` at `=` signs outside `{…}`, so filters such as `{.a[?(@.b=="c")]}` stay whole. */
function splitOutsideBraces(input: string): string[] {
  const parts = [""];
  let depth = 0;
  for (const ch of input) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    if (ch === "=" && depth === 0) parts.push("");
    else parts[parts.length - 1] += ch;
  }
  return parts;
}

/**
 * Parses a `--for` value as kubectl does; throws {@linkcode CliError} with kubectl's message.
 *
 * @example
 * ```ts
 * import { parseWaitFor } from "./wait.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseWaitFor("condition=Ready=false"), {
 *   type: "condition",
 *   name: "Ready",
 *   status: "false",
 * });
 * assert.throws(() => parseWaitFor("foo"), /unrecognized condition: "foo"/);
 * ```
 */
export function parseWaitFor(text: string): WaitCondition {
  if (text.toLowerCase() === "delete") return { type: "delete" };
  if (text.toLowerCase() === "create") return { type: "create" };
  if (text.startsWith("condition=")) {
    const rest = text.slice("condition=".length);
    const eq = rest.indexOf("=");
    return eq < 0
      ? { type: "condition", name: rest, status: "true" }
      : { type: "condition", name: rest.slice(0, eq), status: rest.slice(eq + 1) };
  }
  if (text.startsWith("jsonpath=")) {
    const parts = splitOutsideBraces(text.slice("jsonpath=".length));
    if (parts.length > 2) {
      throw new CliError(
        "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or " +
          "--for=jsonpath='{.status.readyReplicas}'",
      );
    }
    let expression: string;
    try {
      expression = relaxedJsonPath(parts[0]);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    let value: string | undefined;
    if (parts.length === 2) {
      value = parts[1].replace(/^['"]+|['"]+$/g, "");
      if (value === "") throw new CliError("jsonpath wait has to have a value after equal sign");
    }
    if (expression === "") throw new CliError("jsonpath expression cannot be empty");
    let path: JsonPathTemplate;
    try {
      path = parseJsonPath(expression, { allowMissingKeys: true });
    } catch (e) {
      throw new CliError((e as { reason?: string }).reason ?? (e as Error).message);
    }
    return { type: "jsonpath", path, value };
  }
  throw new CliError(`unrecognized condition: ${JSON.stringify(text)}`);
}

function isMap(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * True when `obj` meets a condition or jsonpath wait (never called for deletion). Throws
 * {@linkcode CliError} where kubectl gives up (a jsonpath matching several values or a list).
 */
export function conditionMet(condition: WaitCondition, obj: KubeObject): boolean {
  const o = obj as KubeObject & { status?: Record<string, unknown> };
  if (condition.type === "condition") {
    const conditions = o.status?.conditions;
    if (!Array.isArray(conditions)) return false;
    for (const c of conditions as Record<string, unknown>[]) {
      if (!isMap(c) || typeof c.type !== "string") continue;
      if (c.type.toLowerCase() !== condition.name.toLowerCase()) continue;
      if (typeof c.status !== "string") continue;
      const generation = o.metadata?.generation;
      const observed = typeof c.observedGeneration === "number"
        ? c.observedGeneration
        : o.status?.observedGeneration;
      if (typeof generation === "number" && typeof observed === "number" && observed < generation) {
        return false;
      }
      return c.status.toLowerCase() === condition.status.toLowerCase();
    }
    return false;
  }
  if (condition.type === "jsonpath") {
    let results: unknown[][];
    try {
      results = condition.path.results(obj);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    if (results.length === 0 || results[0].length === 0) return false;
    if (results.length > 1) {
      throw new CliError("given jsonpath expression matches more than one list");
    }
    if (results[0].length > 1) {
      throw new CliError("given jsonpath expression matches more than one value");
    }
    if (condition.value === undefined) return true;
    const v = results[0][0];
    if (Array.isArray(v) || isMap(v)) {
      throw new CliError("jsonpath leads to a nested object or list which is not supported");
    }
    return goSprint(v).trim() === condition.value.trim();
  }
  return false;
}

function resourceName(t: WaitTarget): string {
  return `${t.kind.plural}/${t.name}`;
}

/** Resolves after `ms`, or at once when aborted; the timer is always cleared. */
function sleep(ms: number, signal: AbortSignal): Promise<"tick"> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(id);
      signal.removeEventListener("abort", done);
      resolve("tick");
    };
    const id = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

async function settle(rt: CliRuntime, deadline: number): Promise<void> {
  await rt.settle({ timeoutMs: Math.max(1, Math.min(30_000, deadline - Date.now())) });
}

/**
 * Waits for one object. Returns its last state when met (for deletion: the state before it
 * went, or undefined if it was gone from the start); throws CliError on time-out, ApiError when
 * a condition's object does not exist.
 */
async function waitOne(
  rt: CliRuntime,
  target: WaitTarget,
  condition: WaitCondition,
  deadline: number,
  options: WaitOptions,
): Promise<KubeObject | undefined> {
  const { kind, name, namespace } = target;
  const fieldSelector = `metadata.name=${name}`;
  const isDelete = condition.type === "delete";
  const gone = (obj: KubeObject | undefined) =>
    obj === undefined || (target.uid !== undefined && obj.metadata.uid !== target.uid);
  const met = (obj: KubeObject | undefined) => isDelete ? gone(obj) : conditionMet(condition, obj!);

  if (options.timeoutMs !== 0) await settle(rt, deadline);
  const list = await rt.client.list(kind, { namespace, fieldSelector });
  let last: KubeObject | undefined = list.items[0];
  if (!isDelete && last === undefined) {
    // kubectl: the object vanished between listing the targets and waiting on it.
    await rt.client.get(kind, name, { namespace }); // throws kubectl's NotFound
  }
  if (met(last)) return last;
  if (options.timeoutMs === 0) throw new CliError(`condition not met for ${resourceName(target)}`);
  const timedOut = () =>
    new CliError(`timed out waiting for the condition on ${resourceName(target)}`);
  if (Date.now() >= deadline) throw timedOut();

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const events = rt.client.watch(kind, {
    namespace,
    fieldSelector,
    resourceVersion: list.metadata.resourceVersion,
    signal: stop.signal,
  })[Symbol.asyncIterator]();
  const settleEvery = options.settleIntervalMs ?? 1000;
  try {
    let pending = events.next();
    let nextSettle = Date.now() + settleEvery;
    while (true) {
      options.signal?.throwIfAborted();
      const now = Date.now();
      if (now >= deadline) throw timedOut();
      const wake = new AbortController();
      const which = await Promise.race([
        pending,
        sleep(Math.min(deadline, nextSettle) - now, AbortSignal.any([wake.signal, stop.signal])),
      ]);
      wake.abort();
      if (which === "tick") {
        if (Date.now() >= nextSettle && Date.now() < deadline) {
          await settle(rt, deadline);
          nextSettle = Date.now() + settleEvery;
        }
        continue;
      }
      if (which.done) {
        options.signal?.throwIfAborted();
        throw new CliError(`watch of ${resourceName(target)} ended before the condition was met`);
      }
      pending = events.next();
      const ev = which.value;
      if (ev.type === "BOOKMARK") continue;
      if (ev.type === "ERROR") {
        const message = (ev.object as { message?: string }).message ?? "watch error";
        options.signal?.throwIfAborted();
        throw new CliError(message);
      }
      if (ev.type === "DELETED") {
        if (isDelete) return last ?? ev.object;
        continue; // kubectl keeps waiting: the object may come back
      }
      last = ev.object;
      if (met(ev.object)) return ev.object;
    }
  } finally {
    stop.abort();
    options.signal?.removeEventListener("abort", onAbort);
    await events.return?.();
  }
}

/**
 * Waits for every target in turn under one deadline, as kubectl does, calling `onMet` for each.
 * Throws {@linkcode CliError} on time-out (`timed out waiting for the condition on
 * configmaps/x`) and ApiError (NotFound) when a condition's object does not exist. Runs the
 * controllers (`rt.settle()`) before each check and periodically while waiting; see the module
 * documentation.
 */
export async function waitForTargets(
  rt: CliRuntime,
  targets: readonly WaitTarget[],
  condition: WaitCondition,
  options: WaitOptions,
): Promise<void> {
  const timeout = options.timeoutMs < 0 ? WEEK_MS : options.timeoutMs;
  const deadline = Date.now() + timeout;
  try {
    for (const t of targets) {
      options.progress?.waitingFor(`${t.kind.plural}/${t.name}`);
      const obj = await waitOne(rt, t, condition, deadline, { ...options, timeoutMs: timeout });
      options.progress?.met();
      await options.onMet?.(t, obj);
    }
  } finally {
    options.progress?.done();
  }
}

/**
 * What `delete --wait` does after deleting: waits until every deleted object is gone (or
 * replaced by one with another uid), running the controllers so that finalizers, foreground
 * deletion and namespace termination complete. `timeoutMs` 0 means a week, as kubectl's
 * `delete --timeout=0`. Prints nothing; throws {@linkcode CliError} on time-out.
 */
export async function waitForDeletion(
  ctx: CommandContext,
  targets: readonly WaitTarget[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const rt = await ctx.runtime();
  const timeoutMs = options.timeoutMs === undefined || options.timeoutMs === 0
    ? WEEK_MS
    : options.timeoutMs;
  await waitForTargets(rt, targets, { type: "delete" }, {
    timeoutMs,
    signal: options.signal,
    progress: waitProgress(ctx.io, targets.length),
  });
}

async function resolveTargets(
  ctx: CommandContext,
  rt: CliRuntime,
  isDelete: boolean,
): Promise<WaitTarget[]> {
  if (ctx.args.length === 0) {
    throw new CliError(
      "you must provide one or more resources by argument or filename (.json|.yaml|.yml|.json)",
    );
  }
  const selector = ctx.flags.selector as string | undefined;
  const fieldSelector = ctx.flags["field-selector"] as string | undefined;
  const everything = ctx.flags.all === true;
  const allNamespaces = ctx.flags["all-namespaces"] === true;
  const targets: WaitTarget[] = [];
  for (const { kind, names } of parseResourceArgs(rt.scheme, ctx.args)) {
    const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
    if (names.length) {
      if (selector || fieldSelector || everything) {
        throw new CliError("name cannot be provided when a selector is specified");
      }
      for (const name of names) {
        try {
          const obj = await rt.client.get(kind, name, { namespace });
          targets.push({ kind, name, namespace, uid: obj.metadata.uid });
        } catch (err) {
          if (isDelete && isNotFound(err)) continue; // kubectl ignores NotFound for delete
          throw err;
        }
      }
      continue;
    }
    if (!selector && !fieldSelector && !everything) {
      throw new CliError("resource(s) were provided, but no name was specified");
    }
    const list = await rt.client.list(kind, {
      namespace: allNamespaces ? undefined : namespace,
      labelSelector: selector,
      fieldSelector,
    });
    targets.push(...list.items.map((o) => ({
      kind,
      name: o.metadata.name!,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
    })));
  }
  return targets;
}

/** The `wait` command. */
export const waitCommand: Command = {
  name: "wait",
  summary: "Experimental: Wait for a specific condition on one or many resources",
  usage: "  wait (TYPE NAME | TYPE/NAME | TYPE (-l label | --all)) " +
    "[--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [--timeout=30s]",
  options: {
    for: { type: "string" },
    timeout: { type: "string" },
    selector: { type: "string", short: "l" },
    "field-selector": { type: "string" },
    all: { type: "boolean" },
    "all-namespaces": { type: "boolean", short: "A" },
    output: { type: "string", short: "o" },
    ...PRINT_FLAGS,
  },
  async run(ctx) {
    const timeoutText = (ctx.flags.timeout as string | undefined) ?? "30s";
    let timeoutMs: number;
    try {
      timeoutMs = parseGoDuration(timeoutText);
    } catch (e) {
      throw new CliError(
        `invalid argument ${JSON.stringify(timeoutText)} for "--timeout" flag: ${
          (e as Error).message
        }`,
        { hint: `See '${ctx.cli.name} wait --help' for usage.` },
      );
    }
    const condition = parseWaitFor((ctx.flags.for as string | undefined) ?? "");
    const rt = await ctx.runtime();
    if (condition.type === "create") return await waitForCreate(ctx, rt, timeoutMs);
    const isDelete = condition.type === "delete";
    const targets = await resolveTargets(ctx, rt, isDelete);
    if (targets.length === 0) {
      if (isDelete) return 0;
      throw new CliError("no matching resources found");
    }
    const output = ctx.flags.output as string | undefined;
    await waitForTargets(rt, targets, condition, {
      timeoutMs,
      progress: waitProgress(ctx.io, targets.length),
      async onMet(t, obj) {
        if (output && obj) {
          ctx.io.stdout(
            await printNamed(
              obj,
              output,
              (o) => rt.scheme.forObject(o),
              ctx.io.now(),
              printFlags(ctx.flags),
            ),
          );
        } else ctx.io.stdout(`${kindPrefix(t.kind)}/${t.name} condition met\n`);
      },
    });
    return 0;
  },
};

/**
 * `--for=create`, as kubectl 1.31+: look for the objects every 500 ms until they all exist
 * (named ones) or one matches (selectors), then print `kind/name condition met` for each.
 */
async function waitForCreate(
  ctx: CommandContext,
  rt: CliRuntime,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let targets: WaitTarget[] | undefined;
    try {
      targets = await resolveTargets(ctx, rt, false);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (targets && targets.length > 0) {
      const output = ctx.flags.output as string | undefined;
      for (const t of targets) {
        if (output) {
          const obj = await rt.client.get(t.kind, t.name, { namespace: t.namespace });
          ctx.io.stdout(
            await printNamed(
              obj,
              output,
              (o) => rt.scheme.forObject(o),
              ctx.io.now(),
              printFlags(ctx.flags),
            ),
          );
        } else ctx.io.stdout(`${kindPrefix(t.kind)}/${t.name} condition met\n`);
      }
      return 0;
    }
    if (Date.now() + 500 > deadline) throw new CliError("timed out waiting for the condition");
    // Objects a controller makes appear when the controllers run.
    await settle(rt, Math.min(deadline, Date.now() + 500));
    await sleep(Math.max(0, Math.min(500, deadline - Date.now())), new AbortController().signal);
  }
}
