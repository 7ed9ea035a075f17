// The patch verb: JSON patch, merge patch and strategic merge patch over the update step.
import { ApiError, field } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { objectKey } from "./codec.ts";
import type { PatchOptions, PatchType } from "./options.ts";
import type { PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import { checkObjectName, type RegistryCore } from "./_core.ts";
import { backoff, checkSubresource, RETRY, updateFrom } from "./update.ts";
import { jsonValueProblem } from "../apimachinery/json_value.ts";
import {
  cannotBeHandled,
  checkWriteOptions,
  decodePatchBody,
  enforceStrict,
  goValue,
} from "./_input.ts";

let patchModules:
  | Promise<
    [
      typeof import("../apimachinery/json_patch.ts"),
      typeof import("../apimachinery/merge_patch.ts"),
      typeof import("../apimachinery/strategic_merge_patch.ts"),
    ]
  >
  | undefined;

/** The patch appliers, loaded on the first patch (a process that only reads never needs them). */
async function patchers() {
  patchModules ??= Promise.all([
    import("../apimachinery/json_patch.ts"),
    import("../apimachinery/merge_patch.ts"),
    import("../apimachinery/strategic_merge_patch.ts"),
  ]);
  const [json, merge, strategic] = await patchModules;
  return {
    applyJsonPatch: json.applyJsonPatch,
    PatchError: json.PatchError,
    applyMergePatch: merge.applyMergePatch,
    applyStrategicMergePatch: strategic.applyStrategicMergePatch,
  };
}

const SCALE_PATCH_META: PatchMeta = {};

type Appliers = Awaited<ReturnType<typeof patchers>>;

/** Applies a patch of `type` to `old` (a new value), with kube's errors when it does not apply. */
function applyPatch(
  appliers: Appliers,
  type: PatchType,
  old: KubeObject,
  patch: unknown,
  patchMeta: PatchMeta | undefined,
): Record<string, unknown> {
  const { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } = appliers;
  try {
    if (type === "json") return applyJsonPatch(old, patch as never) as Record<string, unknown>;
    if (type === "merge") return applyMergePatch(old, patch) as Record<string, unknown>;
    return applyStrategicMergePatch(
      old,
      patch as Record<string, unknown>,
      patchMeta ?? {},
    ) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof PatchError && err.code === 400) throw ApiError.badRequest(message);
    if (err instanceof PatchError && err.code === 413) {
      throw ApiError.of(413, "RequestEntityTooLarge", `Request entity too large: ${message}`);
    }
    // kube-apiserver answers a patch that does not apply (a failed `test`, a missing path)
    // with a generic 422 whose message does not say why; the reason is kept as the cause.
    const e = ApiError.of(
      422,
      "Invalid",
      "the server rejected our request due to an error in our request",
      {},
    );
    e.cause = err;
    throw e;
  }
}

/**
 * Patches an object: `json` (RFC 6902), `merge` (RFC 7386) or `strategic`
 * (kinds with patch metadata only). A resourceVersion the patch sets is a
 * precondition; otherwise conflicts are retried on fresh state.
 */
export async function patch<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  name: string,
  patch: unknown,
  options: PatchOptions = {},
): Promise<T> {
  const k = core.served(kind);
  const preparing = core.prepare(k);
  if (preparing) await preparing;
  if (k.deprecationWarning) options.onWarning?.(k.deprecationWarning);
  const type = options.type ?? "merge";
  const validation = checkWriteOptions(options, "PatchOptions");
  checkObjectName(name);
  const namespace = core.namespaceFor(k, options.namespace);
  checkSubresource(k, options.subresource);
  if (type !== "json" && type !== "merge" && type !== "strategic") {
    throw ApiError.of(
      415,
      "UnsupportedMediaType",
      `unsupported patch type ${JSON.stringify(type)}: use "json", "merge" or "strategic"`,
    );
  }
  if (type === "strategic" && !k.patchMeta && options.subresource !== "scale") {
    // kube-apiserver's words: the media types a kind without Go types (a CRD's) accepts.
    throw ApiError.of(
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: " +
        "application/json-patch+json, application/merge-patch+json",
    );
  }
  const decoded = await decodePatchBody(
    patch,
    validation,
    type === "strategic" ? "" : "error decoding patch: ",
  );
  patch = decoded.body;
  if (
    type === "json"
      ? !Array.isArray(patch)
      : (patch === null || typeof patch !== "object" || Array.isArray(patch))
  ) {
    // As with kubectl's default (strict) field validation, which decodes into its own type.
    const { goJsonType } = await import("../apimachinery/json_syntax.ts");
    throw ApiError.badRequest(
      type === "json"
        ? `error decoding patch: json: cannot unmarshal ${
          goJsonType(patch)
        } into Go value of type []handlers.jsonPatchOp`
        : `error decoding patch: json: cannot unmarshal ${
          goJsonType(patch)
        } into Go value of type map[string]interface {}`,
    );
  }
  const appliers = await patchers();
  if (options.subresource === "scale") {
    // The patch applies to the Scale (a built-in type: strategic merge patches work).
    const { writeScale } = await import("./scale.ts");
    return await writeScale(
      core,
      k,
      namespace,
      name,
      (current) => applyPatch(appliers, type, current, patch, SCALE_PATCH_META),
      options,
    ) as unknown as T;
  }
  return await core.withKey(objectKey(k, namespace, name), async () => {
    for (let attempt = 0;; attempt++) {
      const cur = await core.read(k, namespace, name);
      const old = core.decode(k, cur.value, cur.revision);
      const patched = applyPatch(appliers, type, old, patch, k.patchMeta);
      if (patched === null || typeof patched !== "object" || Array.isArray(patched)) {
        throw ApiError.badRequest("the patch must produce an object");
      }
      if (type === "json") {
        // A path adds depth to the value it puts there: the result is checked as a body is.
        const problem = jsonValueProblem(patched);
        if (problem) throw cannotBeHandled(k, problem);
      }
      core.checkTypeMeta(k, patched);
      const pm = (patched.metadata ?? {}) as ObjectMeta;
      if (pm.name !== name) {
        throw ApiError.badRequest(
          `the name of the object (${
            String(pm.name)
          }) does not match the name on the URL (${name})`,
        );
      }
      const rv = pm.resourceVersion;
      const precondition = rv && rv !== String(cur.revision) ? rv : undefined;
      if (!rv) delete pm.resourceVersion;
      const out = await updateFrom(core, k, cur, patched, precondition, namespace, options, {
        strict: attempt > 0 ? undefined : (fields, built, dropped) => {
          // kube names the duplicate members of a JSON patch as such.
          const strict = type === "json"
            ? decoded.strict.map((p) => `json patch ${p}`)
            : decoded.strict;
          enforceStrict(
            strict,
            { metadata: pm, fields, built, dropped },
            validation,
            options,
            (why) =>
              ApiError.invalid({ kind: "" }, "", [
                field.invalid(
                  "patch",
                  type === "strategic" ? goValue(patch) : JSON.stringify(patched),
                  why,
                ),
              ]),
          );
        },
      });
      if (out !== RETRY) return out as T;
      await backoff(attempt);
    }
  });
}
