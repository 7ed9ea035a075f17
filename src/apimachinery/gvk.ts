/**
 * Group, version, kind and resource vocabulary, as in Kubernetes
 * `k8s.io/apimachinery/pkg/runtime/schema`.
 *
 * @module
 */

/** An API group and version, e.g. `{ group: "apps", version: "v1" }`. */
export interface GroupVersion {
  /** API group; `""` for the core (legacy) group. */
  group: string;
  /** API version, e.g. `v1`. */
  version: string;
}

/** A kind in a group and version. */
export interface GroupVersionKind {
  /** API group; `""` for core. */
  group: string;
  /** API version. */
  version: string;
  /** Kind, e.g. `Deployment`. */
  kind: string;
}

/** A resource (plural name) in a group and version. */
export interface GroupVersionResource {
  /** API group; `""` for core. */
  group: string;
  /** API version. */
  version: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
}

/** A resource in a group, without a version. */
export interface GroupResource {
  /** API group; `""` for core. */
  group: string;
  /** Resource name (plural, singular or short name as typed). */
  resource: string;
}

/** A kind in a group, without a version. */
export interface GroupKind {
  /** API group; `""` for core. */
  group: string;
  /** Kind. */
  kind: string;
}

/**
 * Parses an `apiVersion` string as `schema.ParseGroupVersion` does:
 * `"v1"` is the core group, `"apps/v1"` has a group, `""` and `"/"` are the
 * empty GroupVersion, and more than one slash is an error.
 *
 * @throws {Error} `unexpected GroupVersion string: a/b/c` for more than one slash.
 *
 * @example
 * ```ts
 * import { parseApiVersion } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseApiVersion("apps/v1"), { group: "apps", version: "v1" });
 * assert.deepEqual(parseApiVersion("v1"), { group: "", version: "v1" });
 * assert.throws(() => parseApiVersion("a/b/c"), /unexpected GroupVersion string: a\/b\/c/);
 * ```
 */
export function parseApiVersion(apiVersion: string): GroupVersion {
  if (apiVersion === "" || apiVersion === "/") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
}

/**
 * Formats a GroupVersion as an `apiVersion` string (`v1`, `apps/v1`).
 *
 * @example
 * ```ts
 * import { formatApiVersion } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatApiVersion({ group: "apps", version: "v1" }), "apps/v1");
 * assert.equal(formatApiVersion({ group: "", version: "v1" }), "v1");
 * ```
 */
export function formatApiVersion(gv: { group: string; version: string }): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

/**
 * Builds a GroupVersionKind from an object's `apiVersion` and `kind`, as
 * `schema.FromAPIVersionAndKind`: an unparsable apiVersion yields an empty
 * group and version.
 *
 * @example
 * ```ts
 * import { gvkFromApiVersionAndKind } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(gvkFromApiVersionAndKind("apps/v1", "Deployment"), {
 *   group: "apps",
 *   version: "v1",
 *   kind: "Deployment",
 * });
 * ```
 */
export function gvkFromApiVersionAndKind(apiVersion: string, kind: string): GroupVersionKind {
  try {
    const gv = parseApiVersion(apiVersion);
    return { group: gv.group, version: gv.version, kind };
  } catch {
    return { group: "", version: "", kind };
  }
}

/**
 * The `String()` form of a GroupVersionKind: `apps/v1, Kind=Deployment`
 * (`/v1, Kind=Pod` for core).
 *
 * @example
 * ```ts
 * import { formatGroupVersionKind } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatGroupVersionKind({ group: "", version: "v1", kind: "Pod" }), "/v1, Kind=Pod");
 * ```
 */
export function formatGroupVersionKind(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/**
 * The `String()` form of a GroupVersionResource: `apps/v1, Resource=deployments`.
 *
 * @example
 * ```ts
 * import { formatGroupVersionResource } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatGroupVersionResource({ group: "apps", version: "v1", resource: "deployments" }),
 *   "apps/v1, Resource=deployments",
 * );
 * ```
 */
export function formatGroupVersionResource(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}

/**
 * The `String()` form of a GroupResource: `deployments.apps`, or `pods` for core.
 *
 * @example
 * ```ts
 * import { formatGroupResource } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatGroupResource({ group: "apps", resource: "deployments" }), "deployments.apps");
 * ```
 */
export function formatGroupResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/**
 * The `String()` form of a GroupKind: `Deployment.apps`, or `Pod` for core.
 *
 * @example
 * ```ts
 * import { formatGroupKind } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatGroupKind({ group: "apps", kind: "Deployment" }), "Deployment.apps");
 * ```
 */
export function formatGroupKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/**
 * Splits `resource.group` at the first dot, as `schema.ParseGroupResource`.
 *
 * @example
 * ```ts
 * import { parseGroupResource } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseGroupResource("deployments.apps"), { group: "apps", resource: "deployments" });
 * assert.deepEqual(parseGroupResource("pods"), { group: "", resource: "pods" });
 * ```
 */
export function parseGroupResource(arg: string): GroupResource {
  const i = arg.indexOf(".");
  return i >= 0
    ? { group: arg.slice(i + 1), resource: arg.slice(0, i) }
    : { group: "", resource: arg };
}

/**
 * Splits `Kind.group` at the first dot, as `schema.ParseGroupKind`.
 *
 * @example
 * ```ts
 * import { parseGroupKind } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseGroupKind("Deployment.apps"), { group: "apps", kind: "Deployment" });
 * ```
 */
export function parseGroupKind(arg: string): GroupKind {
  const i = arg.indexOf(".");
  return i >= 0 ? { group: arg.slice(i + 1), kind: arg.slice(0, i) } : { group: "", kind: arg };
}

/** Result of {@linkcode parseResourceArg}. */
export interface ParsedResourceArg {
  /**
   * The fully specified candidate `resource.version.group`, present only when
   * the argument has at least two dots.
   */
  gvr?: GroupVersionResource;
  /** The argument read as `resource.group`. */
  groupResource: GroupResource;
}

/** Result of {@linkcode parseKindArg}. */
export interface ParsedKindArg {
  /** The fully specified candidate `Kind.version.group` (two or more dots). */
  gvk?: GroupVersionKind;
  /** The argument read as `Kind.group`. */
  groupKind: GroupKind;
}

function requireNonEmpty(arg: string, what: string): void {
  if (arg.trim() === "") throw new Error(`${what} must not be empty`);
}

/**
 * Interprets a kubectl resource argument as `schema.ParseResourceArg`:
 * `deployments.v1.apps` yields the candidate GVR `apps/v1 deployments` and
 * the GroupResource `deployments` in group `v1.apps`; the caller (a RESTMapper)
 * tries the GVR first, then the GroupResource.
 *
 * @throws {Error} `resource must not be empty` for an empty argument.
 *
 * @example
 * ```ts
 * import { parseResourceArg } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * const r = parseResourceArg("deployments.v1.apps");
 * assert.deepEqual(r.gvr, { group: "apps", version: "v1", resource: "deployments" });
 * assert.deepEqual(r.groupResource, { group: "v1.apps", resource: "deployments" });
 * assert.equal(parseResourceArg("pods").gvr, undefined);
 * ```
 */
export function parseResourceArg(arg: string): ParsedResourceArg {
  requireNonEmpty(arg, "resource");
  const out: ParsedResourceArg = { groupResource: parseGroupResource(arg) };
  const parts = splitN3(arg);
  if (parts) out.gvr = { group: parts[2], version: parts[1], resource: parts[0] };
  return out;
}

/**
 * Interprets a kind argument as `schema.ParseKindArg`: `Deployment.v1.apps`
 * yields a candidate GVK and the GroupKind `Deployment` in group `v1.apps`.
 *
 * @throws {Error} `kind must not be empty` for an empty argument.
 *
 * @example
 * ```ts
 * import { parseKindArg } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * const k = parseKindArg("Deployment.v1.apps");
 * assert.deepEqual(k.gvk, { group: "apps", version: "v1", kind: "Deployment" });
 * assert.deepEqual(parseKindArg("Pod"), { groupKind: { group: "", kind: "Pod" } });
 * ```
 */
export function parseKindArg(arg: string): ParsedKindArg {
  requireNonEmpty(arg, "kind");
  const out: ParsedKindArg = { groupKind: parseGroupKind(arg) };
  const parts = splitN3(arg);
  if (parts) out.gvk = { group: parts[2], version: parts[1], kind: parts[0] };
  return out;
}

function splitN3(arg: string): [string, string, string] | undefined {
  const i = arg.indexOf(".");
  if (i < 0) return undefined;
  const j = arg.indexOf(".", i + 1);
  if (j < 0) return undefined;
  return [arg.slice(0, i), arg.slice(i + 1, j), arg.slice(j + 1)];
}

/**
 * Parses a slash-separated resource path, `[group/]version/resource`, as it
 * appears in API paths and `--raw` style arguments: `v1/pods`,
 * `apps/v1/deployments`.
 *
 * @throws {Error} for an empty string, empty segments, or more than three segments.
 *
 * @example
 * ```ts
 * import { parseGroupVersionResource } from "./gvk.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseGroupVersionResource("apps/v1/deployments"), {
 *   group: "apps",
 *   version: "v1",
 *   resource: "deployments",
 * });
 * assert.deepEqual(parseGroupVersionResource("v1/pods"), { group: "", version: "v1", resource: "pods" });
 * ```
 */
export function parseGroupVersionResource(s: string): GroupVersionResource {
  const parts = s.split("/");
  if (s === "" || parts.some((p) => p === "") || parts.length < 2 || parts.length > 3) {
    throw new Error(
      `invalid group/version/resource "${s}": expected "version/resource" or "group/version/resource"`,
    );
  }
  return parts.length === 2
    ? { group: "", version: parts[0], resource: parts[1] }
    : { group: parts[0], version: parts[1], resource: parts[2] };
}

/**
 * The API groups kube-apiserver serves itself ("" is the core group). Kinds of
 * other groups are served as custom resources are (table columns, OpenAPI
 * schema names).
 */
export const KUBE_API_GROUPS: ReadonlySet<string> = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "internal.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
  "storagemigration.k8s.io",
]);

const KUBE_VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Orders versions as kube does (`CompareKubeAwareVersionStrings`): stable
 * above beta above alpha, then by major and minor number; versions of other
 * shapes below all of those, by name. Positive when `a` is newer.
 *
 * @example
 * ```ts
 * import { compareKubeVersions } from "./gvk.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   ["v1alpha1", "v1", "v2beta1", "v1beta2"].sort((a, b) => compareKubeVersions(b, a)),
 *   ["v1", "v2beta1", "v1beta2", "v1alpha1"],
 * );
 * ```
 */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = KUBE_VERSION_RE.exec(a);
  const pb = KUBE_VERSION_RE.exec(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : (b < a ? -1 : b > a ? 1 : 0);
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  return rank(pa) - rank(pb) || Number(pa[1]) - Number(pb[1]) ||
    Number(pa[3] ?? 0) - Number(pb[3] ?? 0);
}
