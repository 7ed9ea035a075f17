/**
 * Client-side apply, as `kubectl apply` does it without `--server-side`:
 * the applied configuration is kept in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, and a
 * re-apply sends a three-way patch (last applied, new configuration, live
 * object), so fields removed from the configuration are removed from the
 * object while fields set by other writers are kept.
 *
 * @module
 */
import type { FieldValidation } from "../src/registry/options.ts";
import { isConflict, isNotFound } from "../src/apimachinery/errors.ts";
import { applyMergePatch, createMergePatch } from "../src/apimachinery/merge_patch.ts";
import type { KubeObject, PropagationPolicy } from "../src/apimachinery/meta.ts";
import { createThreeWayStrategicMergePatch } from "../src/apimachinery/strategic_merge_patch.ts";
import type { Writer } from "../src/client/client.ts";
import type { Kind } from "../src/scheme/kind.ts";
import type { Reader } from "../src/client/client.ts";
import type { Manifest } from "./manifests.ts";

/** The annotation holding the last applied configuration. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** kubectl's default field manager for client-side apply. */
export const CLIENT_SIDE_APPLY_FIELD_MANAGER = "kubectl-client-side-apply";

/** What {@linkcode applyObject} needs of a client. */
export type ApplyClient =
  & Pick<Reader, "get">
  & Pick<Writer, "create" | "patch">
  & Partial<Pick<Writer, "delete">>;

/** Options of {@linkcode applyObject}. */
export interface ApplyOptions {
  /**
   * Namespace of namespaced objects that do not name one (default
   * `default`). When given, an object naming another namespace is refused,
   * as `kubectl apply -n` does.
   */
  namespace?: string;
  /** Server-side dry run: every check runs, nothing is stored. */
  dryRun?: boolean;
  /** Writer name; default `kubectl-client-side-apply`. */
  fieldManager?: string;
  /** Unknown and duplicate fields: Strict, Warn (the registry's default) or Ignore. */
  fieldValidation?: FieldValidation;
  /** Receives the server's warnings (unknown fields under Warn). */
  onWarning?: (message: string) => void;
  /** Attempts when the patch conflicts with a concurrent write; default 5 (kubectl's). */
  maxAttempts?: number;
  /** Pause before the third and later attempts, in ms; default 1000 (kubectl's). */
  backoffMs?: number;
  /**
   * `--force`: when the patch still conflicts or is invalid (an immutable
   * field), delete the object and create it from the manifest, as kubectl's
   * patcher does; the old object is restored if the new one is refused.
   */
  force?: boolean;
  /** With `force`: how long to wait for the deleted object to be gone, in ms; default 30 s. */
  forceTimeoutMs?: number;
  /** With `force`: what happens to the deleted object's dependents; default Background. */
  propagationPolicy?: PropagationPolicy;
  /**
   * With `force`: waits until the deleted object is gone (and fails on
   * timeout). The default reads it every 100 ms for `forceTimeoutMs`; a CLI
   * over an embedded store passes one that also runs the controllers, which
   * finish a foreground deletion.
   */
  waitForDeletion?: (
    target: { kind: Kind; name: string; namespace?: string; uid?: string },
  ) => Promise<void>;
}

/** Outcome of {@linkcode applyObject}. */
export interface ApplyResult {
  /** The object as stored (or as it would be, in a dry run). */
  object: KubeObject;
  /** kubectl's word for what happened. */
  operation: "created" | "configured" | "unchanged";
  /** kubectl's warning when the live object had no last-applied annotation. */
  warning?: string;
}

/**
 * Serializes an object as kubectl stores it in the last-applied annotation:
 * without that annotation (but with `annotations: {}` when it had no
 * others), as Go's encoding/json writes a map (keys sorted, `<`, `>`, `&`
 * escaped), with a trailing newline.
 *
 * @example
 * ```ts
 * import { lastAppliedConfiguration } from "./apply.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   lastAppliedConfiguration({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "a" } }),
 *   '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"a"}}\n',
 * );
 * ```
 */
export function lastAppliedConfiguration(obj: KubeObject): string {
  const copy = structuredClone(obj) as KubeObject;
  copy.metadata ??= {};
  const annotations = { ...copy.metadata.annotations };
  delete annotations[LAST_APPLIED_ANNOTATION];
  copy.metadata.annotations = annotations;
  return goJson(copy) + "\n";
}

/**
 * A copy of `obj` carrying its last-applied annotation (kubectl's
 * `CreateApplyAnnotation`).
 *
 * @example
 * ```ts
 * import { LAST_APPLIED_ANNOTATION, withLastApplied } from "./apply.ts";
 * import assert from "node:assert/strict";
 * const obj = withLastApplied({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } });
 * assert.ok(obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION]?.endsWith("}\n"));
 * ```
 */
export function withLastApplied(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject;
  copy.metadata ??= {};
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [LAST_APPLIED_ANNOTATION]: lastAppliedConfiguration(obj),
  };
  return copy;
}

/**
 * The three-way JSON merge patch kubectl sends for kinds without strategic
 * merge metadata (`jsonmergepatch.CreateThreeWayJSONMergePatch`): deletions
 * of fields `original` had and `modified` lacks, plus changes and additions
 * from `current` to `modified`. Fields only `current` has are kept.
 *
 * @example
 * ```ts
 * import { createThreeWayMergePatch } from "./apply.ts";
 * import assert from "node:assert/strict";
 * const patch = createThreeWayMergePatch(
 *   { spec: { a: 1, b: 2 } },
 *   { spec: { a: 1, c: 3 } },
 *   { spec: { a: 1, b: 2, x: "live" } },
 * );
 * assert.deepEqual(patch, { spec: { b: null, c: 3 } });
 * ```
 */
export function createThreeWayMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown,
): Record<string, unknown> {
  const delta = keepOrDropNulls(createMergePatch(current, modified), false);
  const deletions = keepOrDropNulls(createMergePatch(original ?? {}, modified), true);
  return applyMergePatch<Record<string, unknown>>(deletions, delta);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** kubectl's `keepOrDeleteNullInObj`. */
function keepOrDropNulls(m: Obj, keepNull: boolean): Obj {
  const out: Obj = {};
  for (const [key, val] of Object.entries(m)) {
    if (val === null) {
      if (keepNull) out[key] = null;
    } else if (isObj(val)) {
      if (Object.keys(val).length === 0) {
        // An explicitly empty map is a value, not an empty patch.
        if (!keepNull) out[key] = val;
        continue;
      }
      const sub = keepOrDropNulls(val, keepNull);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (!keepNull) {
      out[key] = val;
    }
  }
  return out;
}

/**
 * Applies one object as `kubectl apply` does (client side): creates it with
 * the last-applied annotation when absent; otherwise patches the live
 * object with a three-way patch of the last applied configuration, the new
 * one and the live object — a strategic merge patch when the kind has
 * strategic merge metadata (built-in kinds), a JSON merge patch otherwise
 * (user kinds, as kubectl does for custom resources). An empty patch is not
 * sent and reports `unchanged`. A conflicting write is retried with the
 * object read again, up to `maxAttempts` times.
 *
 * Errors from the API (validation, admission, conflicts after the last
 * attempt) are thrown as they are; kubectl adds the source file to them
 * (`error when creating "x.yaml": ...`).
 *
 * @example
 * ```ts
 * import { ConfigMap, createRuntime } from "@k1s/k1s";
 * import { applyObject } from "./apply.ts";
 * import assert from "node:assert/strict";
 * await using rt = await createRuntime({ store: "memory:" });
 * const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { x: "1" } };
 * const first = await applyObject(rt.client, ConfigMap, { object });
 * assert.equal(first.operation, "created");
 * const again = await applyObject(rt.client, ConfigMap, { object });
 * assert.equal(again.operation, "unchanged");
 * ```
 */
export async function applyObject(
  client: ApplyClient,
  kind: Kind,
  manifest: Pick<Manifest, "object">,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const desired = structuredClone(manifest.object) as KubeObject;
  desired.metadata ??= {};
  const name = desired.metadata.name;
  if (!name) {
    throw new TypeError(
      `Cannot apply ${kind.kind}: metadata.name is required (kubectl apply does not generate names)`,
    );
  }
  let namespace: string | undefined;
  if (kind.scope === "Namespaced") {
    const own = desired.metadata.namespace;
    if (own && options.namespace && own !== options.namespace) {
      throw new TypeError(
        `the namespace from the provided object "${own}" does not match the namespace ` +
          `"${options.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
    namespace = own || options.namespace || "default";
    desired.metadata.namespace = namespace;
  }
  const write = {
    dryRun: options.dryRun,
    fieldManager: options.fieldManager ?? CLIENT_SIDE_APPLY_FIELD_MANAGER,
    fieldValidation: options.fieldValidation,
    onWarning: options.onWarning,
  };
  const modified = withLastApplied(desired);

  let current: KubeObject;
  try {
    current = await client.get(kind, name, { namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    let object: KubeObject;
    try {
      object = await client.create(kind, modified, { ...write, namespace });
    } catch (err) {
      throw remember(err, { step: "creating" });
    }
    return { object, operation: "created" };
  }

  const lastApplied = current.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  const warning = lastApplied === undefined
    ? `resource ${kind.plural}/${name} is missing the ${LAST_APPLIED_ANNOTATION} annotation ` +
      "which is required by kubectl apply. kubectl apply should only be used on resources " +
      "created declaratively by either kubectl create --save-config or kubectl apply. " +
      "The missing annotation will be patched automatically."
    : undefined;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 1000;
  for (let attempt = 1;; attempt++) {
    const original = parseLastApplied(current, kind, name);
    const patch = kind.patchMeta
      ? createThreeWayStrategicMergePatch(original, modified, current, kind.patchMeta)
      : createThreeWayMergePatch(original, modified, current);
    if (Object.keys(patch).length === 0) {
      return withWarning({ object: current, operation: "unchanged" }, warning);
    }
    try {
      const object = await client.patch(kind, name, patch, {
        ...write,
        namespace,
        type: kind.patchMeta ? "strategic" : "merge",
      });
      return withWarning({ object, operation: "configured" }, warning);
    } catch (err) {
      const invalid = (err as { reason?: string }).reason === "Invalid";
      if (options.force && (invalid || (isConflict(err) && attempt >= maxAttempts))) {
        let object;
        try {
          object = await deleteAndCreate(client, kind, current, modified, namespace, write, {
            timeoutMs: options.forceTimeoutMs ?? 30_000,
            propagationPolicy: options.propagationPolicy ?? "Background",
            waitForDeletion: options.waitForDeletion,
          });
        } catch (err) {
          throw rememberWarning(err, warning);
        }
        return withWarning({ object, operation: "configured" }, warning);
      }
      if (!isConflict(err) || attempt >= maxAttempts) {
        throw rememberWarning(remember(err, { step: "patching", patch: goJson(patch) }), warning);
      }
    }
    if (attempt > 1) await new Promise((r) => setTimeout(r, backoffMs));
    current = await client.get(kind, name, { namespace });
  }
}

/** A copy of `obj` without what the server set, to be created again. */
function forCreate(obj: KubeObject): KubeObject {
  const { resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, ...meta } =
    obj.metadata;
  return { ...obj, metadata: meta };
}

/** kubectl's `deleteAndCreate`: delete, wait until gone, create; restore the old one on failure. */
async function deleteAndCreate(
  client: ApplyClient,
  kind: Kind,
  current: KubeObject,
  modified: KubeObject,
  namespace: string | undefined,
  write: { dryRun?: boolean; fieldManager?: string },
  options: {
    timeoutMs: number;
    propagationPolicy: PropagationPolicy;
    waitForDeletion?: ApplyOptions["waitForDeletion"];
  },
): Promise<KubeObject> {
  const name = current.metadata.name!;
  if (!client.delete) throw new TypeError("apply --force needs a client that can delete");
  await client.delete(kind, name, { namespace, propagationPolicy: options.propagationPolicy });
  if (options.waitForDeletion) {
    await options.waitForDeletion({ kind, name, namespace, uid: current.metadata.uid });
  } else {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      try {
        await client.get(kind, name, { namespace });
      } catch (err) {
        if (isNotFound(err)) break;
        throw err;
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await client.create(kind, modified, { ...write, namespace });
  } catch (err) {
    // The original goes back; the new object's error is still the user's to see.
    try {
      await client.create(kind, forCreate(current), { ...write, namespace });
    } catch (restoreErr) {
      throw new Error(
        "An error occurred force-replacing the existing object with the newly provided one:" +
          `\n\n${(err as Error).message}.\n\nAdditionally, an error occurred attempting to ` +
          `restore the original object:\n\n${(restoreErr as Error).message}`,
      );
    }
    throw err;
  }
}

/**
 * Where {@linkcode applyObject} failed, for kubectl's wording in front of the
 * server's message: creating, or patching (with the patch). A failed
 * `--force` re-creation has none: kubectl shows its error as it is.
 */
export type ApplyFailure = { step: "creating" } | { step: "patching"; patch: string };

const failures = new WeakMap<object, ApplyFailure>();

/**
 * The step an error thrown by {@linkcode applyObject} came from: `creating`,
 * or `patching` with the last patch sent (as Go's encoding/json writes it),
 * which kubectl prints in its message.
 */
export function applyFailureOf(err: unknown): ApplyFailure | undefined {
  return typeof err === "object" && err !== null ? failures.get(err) : undefined;
}

const warnings = new WeakMap<object, string>();

/**
 * The warning of a failed {@linkcode applyObject} on an object without the
 * last-applied annotation: kubectl prints it before patching, whether or not
 * the patch succeeds.
 */
export function applyWarningOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null ? warnings.get(err) : undefined;
}

function rememberWarning(err: unknown, warning: string | undefined): unknown {
  if (warning !== undefined && typeof err === "object" && err !== null) {
    warnings.set(err, warning);
  }
  return err;
}

function remember(err: unknown, failure: ApplyFailure): unknown {
  if (typeof err === "object" && err !== null) failures.set(err, failure);
  return err;
}

function withWarning(result: ApplyResult, warning: string | undefined): ApplyResult {
  return warning === undefined ? result : { ...result, warning };
}

function parseLastApplied(current: KubeObject, kind: Kind, name: string): Obj {
  const text = current.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (text === undefined || text === "") return {};
  try {
    const parsed = JSON.parse(text);
    return isObj(parsed) ? parsed : {};
  } catch (err) {
    throw new TypeError(
      `Cannot apply ${kind.plural} "${name}": its ${LAST_APPLIED_ANNOTATION} annotation is not ` +
        `valid JSON (${err instanceof Error ? err.message : err})`,
    );
  }
}

// ------------------------------------------------- Go encoding/json output

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
}

/** JSON as Go's encoding/json writes a map[string]interface{}: keys sorted, HTML escaped. */
function goJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goString(v);
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) {
    return `[${v.map((x) => (x === undefined ? "null" : goJson(x))).join(",")}]`;
  }
  if (typeof v === "object") {
    const keys = Object.keys(v).filter((k) => (v as Obj)[k] !== undefined).sort();
    return `{${keys.map((k) => `${goString(k)}:${goJson((v as Obj)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
