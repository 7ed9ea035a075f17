// The create verb (kube-apiserver: rest.BeforeCreate and the generic store's Create).
import { rfc3339 } from "../apimachinery/clock.ts";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { StoreError } from "../storage/types.ts";
import { objectKey } from "./codec.ts";
import type { CreateOptions } from "./options.ts";
import type { RegistryCore } from "./_core.ts";
import { randomSuffix } from "./_util.ts";
import { cannotBeHandled, checkWriteOptions, decodeBody, enforceStrict } from "./_input.ts";

/** Creates an object; returns it as stored. */
export async function create<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  input: unknown,
  options: CreateOptions = {},
): Promise<T> {
  const k = core.served(kind);
  const preparing = core.prepare(k);
  if (preparing) await preparing;
  if (k.deprecationWarning) options.onWarning?.(k.deprecationWarning);
  const validation = checkWriteOptions(options, "CreateOptions");
  const decoded = await decodeBody(k, input, validation);
  const raw = decoded.body as Record<string, unknown>;
  core.checkTypeMeta(k, raw);
  const meta = core.metaOf(k, raw);
  meta.namespace = core.namespaceFor(k, options.namespace, meta.namespace);
  if (meta.resourceVersion) {
    throw ApiError.badRequest("resourceVersion should not be set on objects to be created");
  }
  const generated = !meta.name && !!meta.generateName;
  for (let attempt = 0;; attempt++) {
    if (generated) meta.name = meta.generateName!.slice(0, 58) + randomSuffix();
    meta.uid = core.uid();
    meta.creationTimestamp = rfc3339(core.clock.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.generation = k.generation ? 1 : undefined;
    let body = raw;
    if (k.statusSubresource && "status" in raw) {
      body = { ...raw };
      delete body.status;
    }
    const { obj, errs, fields, dropped } = core.build(k, meta, body);
    if (attempt === 0) {
      const built = { metadata: raw.metadata, fields, built: obj, dropped };
      enforceStrict(decoded.strict, built, validation, options, (why) => cannotBeHandled(k, why));
    }
    if (errs.length) throw ApiError.invalid(k, meta.name ?? "", errs);
    const name = obj.metadata.name!;
    const ns = meta.namespace
      ? await core.checkNamespace(k, meta.namespace, name, options.dryRun)
      : undefined;
    await core.admit(k, obj, undefined);
    if (core.policies.pending(k)) {
      await core.policies.admit(k, {
        operation: "CREATE",
        object: obj,
        dryRun: options.dryRun,
        options,
        onWarning: options.onWarning,
      });
    }
    const value = core.encode(k, obj);
    core.checkSize(value);
    const key = objectKey(k, meta.namespace, name);
    if (options.dryRun) {
      // Everything but the write: a name that is taken is still AlreadyExists.
      if (await core.store.get(key) === undefined) return obj as T;
      if (generated && attempt < 8) continue;
      core.storeError(new StoreError("exists", `key ${key} already exists`), k, name);
    }
    try {
      const rev = await core.store.create(key, value, ns ? { requires: ns } : undefined);
      obj.metadata.resourceVersion = String(rev);
      return obj as T;
    } catch (err) {
      if (generated && err instanceof StoreError && err.code === "exists" && attempt < 8) {
        continue;
      }
      if (ns && err instanceof StoreError && err.code === "requirement") {
        // The namespace changed since it was checked: check it again (reading it this time).
        core.forgetNamespace(ns.key);
        continue;
      }
      core.storeError(err, k, name);
    }
  }
}
