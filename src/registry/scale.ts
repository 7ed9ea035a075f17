// The scale subresource of kinds that declare one (a CRD's `subresources.scale`): an
// autoscaling/v1 Scale read from, and written to, the object's replica fields
// (apiextensions-apiserver's ScaleREST).
import { ApiError, field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import type { Kind, ScaleSubresource } from "../scheme/kind.ts";
import { objectKey } from "./codec.ts";
import { valueAtPath } from "../apimachinery/json_value.ts";
import type { GetOptions, UpdateOptions } from "./options.ts";
import { checkObjectName, cloneJson, type RegistryCore } from "./_core.ts";
import { checkWriteOptions, decodeBody } from "./_input.ts";
import { get } from "./list.ts";
import { backoff, RETRY, updateFrom, updatePrecondition } from "./update.ts";

/** An autoscaling/v1 Scale: the replica count of an object that has one. */
export interface Scale extends KubeObject {
  /** The desired replicas. */
  spec: { replicas?: number };
  /** The observed replicas and the label selector of what is counted. */
  status: { replicas: number; selector?: string };
}

/** The kind's scale subresource; 404 when it has none. */
export function scaleOf(k: Kind): ScaleSubresource {
  if (!k.scale) {
    throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
      group: k.group,
      kind: k.plural,
    });
  }
  return k.scale;
}

/** `.spec.replicas` as path segments. */
function segments(path: string): string[] {
  return path.replace(/^\./, "").split(".");
}

/** kube's NestedInt64: absent is 0, another type is an error. */
function replicasAt(obj: KubeObject, path: string): number {
  const v = valueAtPath(obj, path);
  if (v === undefined || v === null) return 0;
  if (!Number.isInteger(v)) {
    throw ApiError.internal(
      `${path} accessor error: ${JSON.stringify(v)} is of the type ${
        typeof v === "number" ? "float64" : typeof v
      }, expected int64`,
    );
  }
  return v as number;
}

/**
 * The Scale of an object (kube's `scaleFromCustomResource`): spec replicas,
 * status replicas (0 when absent) and the label selector.
 */
export function toScale(k: Kind, obj: KubeObject): Scale {
  const s = scaleOf(k);
  const m = obj.metadata;
  const metadata: ObjectMeta = { name: m.name, namespace: m.namespace, uid: m.uid };
  metadata.resourceVersion = m.resourceVersion;
  metadata.creationTimestamp = m.creationTimestamp;
  const replicas = replicasAt(obj, s.specReplicasPath);
  const selector = s.labelSelectorPath ? valueAtPath(obj, s.labelSelectorPath) : undefined;
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: Object.fromEntries(
      Object.entries(metadata).filter(([, v]) => v !== undefined && v !== ""),
    ) as ObjectMeta,
    spec: replicas ? { replicas } : {},
    status: {
      replicas: replicasAt(obj, s.statusReplicasPath),
      ...(typeof selector === "string" && selector ? { selector } : {}),
    },
  };
}

const SCALE_KIND = { group: "autoscaling", kind: "Scale" };

/** Checks a Scale as kube's ValidateScale and the scale handler's decoding do. */
export function checkScale(name: string, body: unknown): Scale {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw ApiError.badRequest("the body of the request must be a Scale object");
  }
  const scale = body as Scale;
  if (scale.apiVersion !== undefined && scale.apiVersion !== "autoscaling/v1") {
    throw ApiError.badRequest(
      `the API version in the data (${scale.apiVersion}) does not match the expected API version (autoscaling/v1)`,
    );
  }
  if (scale.kind !== undefined && scale.kind !== "Scale") {
    throw ApiError.badRequest(
      `the kind in the data (${scale.kind}) does not match the expected kind (Scale)`,
    );
  }
  const meta = (scale.metadata ?? {}) as ObjectMeta;
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(
      `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
    );
  }
  const replicas = scale.spec?.replicas;
  const errs: FieldError[] = [];
  if (replicas !== undefined && replicas !== null && !Number.isInteger(replicas)) {
    throw ApiError.badRequest(
      `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${
        typeof replicas === "number" ? "number " + replicas : typeof replicas
      } into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  }
  if (typeof replicas === "number" && replicas < 0) {
    errs.push(field.invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
  }
  if (errs.length) throw ApiError.invalid(SCALE_KIND, name, errs);
  return scale;
}

/** The object with its spec replicas set from `scale` (intermediate objects created). */
function withReplicas(k: Kind, old: KubeObject, scale: Scale): Record<string, unknown> {
  const obj = cloneJson(old) as Record<string, unknown>;
  const path = segments(scaleOf(k).specReplicasPath);
  let at = obj;
  for (const s of path.slice(0, -1)) {
    const next = at[s];
    if (next === null || typeof next !== "object" || Array.isArray(next)) at[s] = {};
    at = at[s] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = scale.spec?.replicas ?? 0;
  return obj;
}

/** Reads the Scale of an object. */
export async function getScale(
  core: RegistryCore,
  kind: Kind,
  name: string,
  options: GetOptions = {},
): Promise<Scale> {
  const k = core.served(kind);
  scaleOf(k);
  return toScale(k, await get(core, k, name, options));
}

/**
 * Writes the Scale of an object: its spec replicas change (as an update of
 * the object, with the object's validation). The Scale's resourceVersion, if
 * any, is a precondition.
 */
export async function updateScale(
  core: RegistryCore,
  kind: Kind,
  name: string,
  input: unknown,
  options: UpdateOptions = {},
): Promise<Scale> {
  const k = core.served(kind);
  const preparing = core.prepare(k);
  if (preparing) await preparing;
  if (k.deprecationWarning) options.onWarning?.(k.deprecationWarning);
  scaleOf(k);
  const validation = checkWriteOptions(options, "UpdateOptions");
  const decoded = await decodeBody({ ...k, kind: "Scale", version: "v1" }, input, validation);
  checkObjectName(name);
  const scale = checkScale(name, decoded.body);
  const namespace = core.namespaceFor(k, options.namespace, scale.metadata?.namespace);
  const rv = scale.metadata?.resourceVersion;
  if (rv) updatePrecondition(k, name, rv);
  return await writeScale(core, k, namespace, name, () => scale, options);
}

/**
 * Runs read-modify-write of an object's Scale until it applies; a
 * resourceVersion the new Scale carries that is not the current one is a
 * precondition (a conflict).
 */
export async function writeScale(
  core: RegistryCore,
  k: Kind,
  namespace: string | undefined,
  name: string,
  next: (current: Scale) => unknown,
  options: UpdateOptions,
): Promise<Scale> {
  const { subresource: _, ...rest } = options;
  return await core.withKey(objectKey(k, namespace, name), async () => {
    for (let attempt = 0;; attempt++) {
      const cur = await core.read(k, namespace, name);
      const old = core.decode(k, cur.value, cur.revision);
      const scale = checkScale(name, next(toScale(k, old)));
      const rv = scale.metadata?.resourceVersion;
      const precondition = rv && rv !== String(cur.revision) ? rv : undefined;
      const raw = withReplicas(k, old, scale);
      (raw.metadata as ObjectMeta).resourceVersion = undefined;
      const out = await updateFrom(core, k, cur, raw, precondition, namespace, rest);
      if (out !== RETRY) return toScale(k, out);
      await backoff(attempt);
    }
  });
}
