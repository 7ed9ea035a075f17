/**
 * API discovery as kube-apiserver serves it: what `/api`, `/apis`,
 * `/apis/<group>`, `/api/v1` and `/apis/<group>/<version>` answer, in the
 * legacy form (APIVersions, APIGroupList, APIGroup, APIResourceList) and the
 * aggregated form (`apidiscovery.k8s.io` v2 and v2beta1 APIGroupDiscoveryList),
 * chosen from the request's Accept header as kube chooses.
 *
 * Everything is computed from the scheme at call time, so kinds registered
 * while serving (a CRD becoming established) appear at once. The served
 * resources are the scheme's kinds plus {@linkcode ExtraResource}s the server
 * serves outside the scheme (the self-subject reviews). Ordering follows kube:
 * the core group first, then groups by kube's API-service priority and name,
 * versions newest stable first (the first is the preferred version),
 * resources by name.
 *
 * @example
 * ```ts
 * import { discoveryAnswer } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const scheme = new Scheme(coreV1Kinds);
 * const answer = discoveryAnswer(scheme, {
 *   path: "/api",
 *   accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
 * })!;
 * assert.equal(answer.headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
 * assert.equal(JSON.parse(answer.body!).items[0].versions[0].resources[0].resource, "configmaps");
 * ```
 *
 * @module
 */
import { compareKubeVersions } from "../apimachinery/gvk.ts";
import { collectionDeletable } from "../registry/delete.ts";
import { acceptsJson, parseAccept } from "./http.ts";
import type { GroupVersion, GroupVersionKind } from "../apimachinery/gvk.ts";
import type { Kind, Scope } from "../scheme/kind.ts";
import type { OpenAPISchema } from "../scheme/openapi.ts";
import type { Scheme } from "../scheme/scheme.ts";

/** The verbs every scheme kind supports on its main resource. */
export const OBJECT_VERBS: readonly string[] = Object.freeze([
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
]);

/**
 * The verbs the registry serves on `kind`'s main resource: {@linkcode OBJECT_VERBS}, without
 * deletecollection for the kinds that have none (namespaces).
 */
export function kindVerbs(kind: { group: string; kind: string }): readonly string[] {
  return collectionDeletable(kind)
    ? OBJECT_VERBS
    : OBJECT_VERBS.filter((v) => v !== "deletecollection");
}

/** The verbs of a `status` subresource. */
export const STATUS_VERBS: readonly string[] = Object.freeze(["get", "patch", "update"]);

/**
 * A resource the server serves that is not a scheme kind, such as the
 * self-subject reviews (create-only, never stored).
 */
export interface ExtraResource {
  /** API group; "" for core. */
  group: string;
  /** Version, e.g. `v1`. */
  version: string;
  /** Plural resource name, e.g. `selfsubjectaccessreviews`. */
  resource: string;
  /** Kind, e.g. `SelfSubjectAccessReview`. */
  kind: string;
  /** Singular name; defaults to the lower-cased kind. */
  singular?: string;
  /** Namespaced or cluster-scoped. */
  scope: Scope;
  /** Verbs, e.g. `["create"]`. */
  verbs: readonly string[];
  /** Short names. */
  shortNames?: readonly string[];
  /** Categories. */
  categories?: readonly string[];
  /** Schema of the fields besides apiVersion, kind and metadata, for OpenAPI (and explain). */
  schema?: OpenAPISchema;
}

/** A subresource of a served resource. */
export interface ServedSubresource {
  /** Subresource name, e.g. `status`. */
  name: string;
  /** What it returns. */
  responseKind: GroupVersionKind;
  /** Verbs, e.g. `["get", "patch", "update"]`. */
  verbs: readonly string[];
}

/** One resource as discovery and OpenAPI describe it. */
export interface ServedResource {
  /** API group; "" for core. */
  group: string;
  /** Version. */
  version: string;
  /** Plural resource name. */
  resource: string;
  /** Singular resource name. */
  singular: string;
  /** Kind. */
  kind: string;
  /** Kind of its lists, e.g. `ConfigMapList`. */
  listKind: string;
  /** Namespaced or cluster-scoped. */
  scope: Scope;
  /** Verbs on the main resource. */
  verbs: readonly string[];
  /** Short names. */
  shortNames: readonly string[];
  /** Categories. */
  categories: readonly string[];
  /** Subresources, sorted by name. */
  subresources: readonly ServedSubresource[];
  /** The scheme kind, when the resource is one. */
  source?: Kind;
  /** The extra resource's schema, when it is one and has a schema. */
  schema?: OpenAPISchema;
}

/** Options of the discovery functions. */
export interface DiscoveryOptions {
  /** Resources served besides the scheme's kinds (e.g. the self-subject reviews). */
  extra?: readonly ExtraResource[];
}

/**
 * Every resource served, sorted as discovery lists them: core group first,
 * then groups in kube's order, versions newest stable first, resources by
 * name. An extra resource whose group, version and name a scheme kind already
 * serves is left out.
 *
 * @example
 * ```ts
 * import { servedResources } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const ns = servedResources(new Scheme(coreV1Kinds)).find((r) => r.resource === "namespaces")!;
 * assert.deepEqual(ns.subresources.map((s) => s.name), ["finalize", "status"]);
 * ```
 */
export function servedResources(scheme: Scheme, options: DiscoveryOptions = {}): ServedResource[] {
  const out: ServedResource[] = [];
  const taken = new Set<string>();
  for (const kind of scheme.kinds()) {
    const gvk = { group: kind.group, version: kind.version, kind: kind.kind };
    const subresources: ServedSubresource[] = [];
    // kube's namespaces/finalize (the server serves it for the core Namespace only).
    if (kind.group === "" && kind.kind === "Namespace") {
      subresources.push({ name: "finalize", responseKind: gvk, verbs: ["update"] });
    }
    if (kind.statusSubresource) {
      subresources.push({ name: "status", responseKind: gvk, verbs: STATUS_VERBS });
    }
    if (kind.scale) {
      subresources.push({
        name: "scale",
        responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
        verbs: STATUS_VERBS,
      });
    }
    taken.add(`${kind.group}/${kind.version}/${kind.plural}`);
    out.push({
      group: kind.group,
      version: kind.version,
      resource: kind.plural,
      singular: kind.singular,
      kind: kind.kind,
      listKind: kind.listKind,
      scope: kind.scope,
      verbs: kindVerbs(kind),
      shortNames: kind.shortNames,
      categories: kind.categories,
      subresources: subresources.sort((a, b) => compare(a.name, b.name)),
      source: kind,
    });
  }
  for (const x of options.extra ?? []) {
    if (taken.has(`${x.group}/${x.version}/${x.resource}`)) continue;
    taken.add(`${x.group}/${x.version}/${x.resource}`);
    out.push({
      group: x.group,
      version: x.version,
      resource: x.resource,
      singular: x.singular ?? x.kind.toLowerCase(),
      kind: x.kind,
      listKind: `${x.kind}List`,
      scope: x.scope,
      verbs: [...x.verbs],
      shortNames: [...(x.shortNames ?? [])],
      categories: [...(x.categories ?? [])],
      subresources: [],
      schema: x.schema,
    });
  }
  const groupRank = new Map(servedGroups(out).map((g, i) => [g.name, i]));
  return out.sort((a, b) =>
    groupRank.get(a.group)! - groupRank.get(b.group)! ||
    compareKubeVersions(b.version, a.version) ||
    compare(a.resource, b.resource)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * kube-aggregator's group priorities (kube-apiserver's `apiVersionPriorities`):
 * discovery lists groups by priority, then by name. Other groups (CRDs) get 1000.
 */
const GROUP_PRIORITY: Record<string, number> = {
  "apiregistration.k8s.io": 18000,
  "apps": 17800,
  "events.k8s.io": 17750,
  "authentication.k8s.io": 17700,
  "authorization.k8s.io": 17600,
  "autoscaling": 17500,
  "batch": 17400,
  "certificates.k8s.io": 17300,
  "networking.k8s.io": 17200,
  "policy": 17100,
  "rbac.authorization.k8s.io": 17000,
  "storage.k8s.io": 16800,
  "admissionregistration.k8s.io": 16700,
  "apiextensions.k8s.io": 16700,
  "scheduling.k8s.io": 16600,
  "coordination.k8s.io": 16500,
  "node.k8s.io": 16300,
  "discovery.k8s.io": 16200,
  "flowcontrol.apiserver.k8s.io": 16100,
};
const CRD_GROUP_PRIORITY = 1000;

/** A served group and its versions. */
export interface ServedGroup {
  /** Group name; "" for core. */
  name: string;
  /** Versions, preferred (newest stable) first. */
  versions: string[];
}

/**
 * The groups of `resources` in discovery order: core first, then by kube's
 * group priority, then by name.
 */
export function servedGroups(resources: readonly ServedResource[]): ServedGroup[] {
  const versions = new Map<string, Set<string>>();
  for (const r of resources) {
    let set = versions.get(r.group);
    if (!set) versions.set(r.group, set = new Set());
    set.add(r.version);
  }
  const priority = (g: string) => (g === "" ? Infinity : GROUP_PRIORITY[g] ?? CRD_GROUP_PRIORITY);
  return [...versions.entries()]
    .map(([name, vs]) => ({ name, versions: [...vs].sort((a, b) => compareKubeVersions(b, a)) }))
    .sort((a, b) => priority(b.name) - priority(a.name) || compare(a.name, b.name));
}

// ------------------------------------------------------------------ legacy bodies

/** `GET /api` (legacy): the core group's versions. */
export interface APIVersions {
  /** `APIVersions`. */
  kind: "APIVersions";
  /** Versions of the core group. */
  versions: string[];
  /** Where clients reach the server. */
  serverAddressByClientCIDRs?: { clientCIDR: string; serverAddress: string }[];
}

/** A group version in legacy discovery. */
export interface GroupVersionForDiscovery {
  /** `group/version`. */
  groupVersion: string;
  /** Version. */
  version: string;
}

/** `GET /apis/<group>` (legacy), and each group of {@linkcode APIGroupList}. */
export interface APIGroup {
  /** `APIGroup` (absent inside a list). */
  kind?: "APIGroup";
  /** `v1` (absent inside a list). */
  apiVersion?: "v1";
  /** Group name. */
  name: string;
  /** Served versions, preferred first. */
  versions: GroupVersionForDiscovery[];
  /** The version clients should use. */
  preferredVersion: GroupVersionForDiscovery;
}

/** `GET /apis` (legacy). */
export interface APIGroupList {
  /** `APIGroupList`. */
  kind: "APIGroupList";
  /** `v1`. */
  apiVersion: "v1";
  /** Every group but core. */
  groups: APIGroup[];
}

/** A resource or subresource (`namespaces/status`) in an {@linkcode APIResourceList}. */
export interface APIResource {
  /** Plural name, or `resource/subresource`. */
  name: string;
  /** Singular name ("" for subresources). */
  singularName: string;
  /** True for namespaced resources. */
  namespaced: boolean;
  /** Group of the returned kind, when it differs from the list's. */
  group?: string;
  /** Version of the returned kind, when it differs from the list's. */
  version?: string;
  /** Kind returned. */
  kind: string;
  /** Verbs. */
  verbs: string[];
  /** Short names. */
  shortNames?: string[];
  /** Categories. */
  categories?: string[];
}

/** `GET /api/v1` or `GET /apis/<group>/<version>` (legacy). */
export interface APIResourceList {
  /** `APIResourceList`. */
  kind: "APIResourceList";
  /** `v1`. */
  apiVersion: "v1";
  /** `v1` or `group/version`. */
  groupVersion: string;
  /** Resources and subresources, sorted by name. */
  resources: APIResource[];
}

function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function legacyGroup(g: ServedGroup): APIGroup {
  const versions = g.versions.map((v) => ({
    groupVersion: groupVersionString(g.name, v),
    version: v,
  }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/**
 * The legacy `/api` body. `address` (host:port) fills
 * `serverAddressByClientCIDRs` as kube does for `0.0.0.0/0`.
 */
export function apiVersions(
  scheme: Scheme,
  options: DiscoveryOptions & { address?: string } = {},
): APIVersions {
  const core = servedGroups(servedResources(scheme, options)).find((g) => g.name === "");
  return {
    kind: "APIVersions",
    versions: core?.versions ?? [],
    ...(options.address !== undefined
      ? {
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: options.address }],
      }
      : {}),
  };
}

/** The legacy `/apis` body: every group but core, in discovery order. */
export function apiGroupList(scheme: Scheme, options: DiscoveryOptions = {}): APIGroupList {
  const groups = servedGroups(servedResources(scheme, options)).filter((g) => g.name !== "");
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(legacyGroup) };
}

/** The legacy `/apis/<group>` body, or undefined when the group is not served. */
export function apiGroup(
  scheme: Scheme,
  group: string,
  options: DiscoveryOptions = {},
): APIGroup | undefined {
  if (group === "") return undefined;
  const g = servedGroups(servedResources(scheme, options)).find((x) => x.name === group);
  return g ? { kind: "APIGroup", apiVersion: "v1", ...legacyGroup(g) } : undefined;
}

/**
 * The legacy `/api/<version>` (group "") or `/apis/<group>/<version>` body,
 * subresources included as `resource/subresource` entries; undefined when
 * nothing is served there.
 *
 * @example
 * ```ts
 * import { apiResourceList } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const list = apiResourceList(new Scheme(coreV1Kinds), { group: "", version: "v1" })!;
 * assert.deepEqual(list.resources.map((r) => r.name), [
 *   "configmaps", "events", "namespaces", "namespaces/finalize", "namespaces/status",
 *   "secrets", "serviceaccounts",
 * ]);
 * ```
 */
export function apiResourceList(
  scheme: Scheme,
  gv: GroupVersion,
  options: DiscoveryOptions = {},
): APIResourceList | undefined {
  const resources = servedResources(scheme, options)
    .filter((r) => r.group === gv.group && r.version === gv.version);
  if (resources.length === 0) return undefined;
  const entries: APIResource[] = [];
  for (const r of resources) {
    const namespaced = r.scope === "Namespaced";
    entries.push({
      name: r.resource,
      singularName: r.singular,
      namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
    });
    for (const s of r.subresources) {
      const other = s.responseKind.group !== r.group || s.responseKind.version !== r.version;
      entries.push({
        name: `${r.resource}/${s.name}`,
        singularName: "",
        namespaced,
        ...(other ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
        kind: s.responseKind.kind,
        verbs: [...s.verbs],
      });
    }
  }
  entries.sort((a, b) => compare(a.name, b.name));
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersionString(gv.group, gv.version),
    resources: entries,
  };
}

// ------------------------------------------------------------------ aggregated bodies

/** The aggregated-discovery versions served: `apidiscovery.k8s.io/v2` and `v2beta1`. */
export type AggregatedVersion = "v2" | "v2beta1";

/** A subresource in aggregated discovery. */
export interface APISubresourceDiscovery {
  /** Subresource name. */
  subresource: string;
  /** Kind returned. */
  responseKind: GroupVersionKind;
  /** Verbs. */
  verbs: string[];
}

/** A resource in aggregated discovery. */
export interface APIResourceDiscovery {
  /** Plural name. */
  resource: string;
  /** Kind returned. */
  responseKind: GroupVersionKind;
  /** `Namespaced` or `Cluster`. */
  scope: Scope;
  /** Singular name. */
  singularResource: string;
  /** Verbs. */
  verbs: string[];
  /** Short names. */
  shortNames?: string[];
  /** Categories. */
  categories?: string[];
  /** Subresources. */
  subresources?: APISubresourceDiscovery[];
}

/** One version of a group in aggregated discovery. */
export interface APIVersionDiscovery {
  /** Version. */
  version: string;
  /** Resources, sorted by name. */
  resources: APIResourceDiscovery[];
  /** `Current` (k1s never serves stale discovery). */
  freshness: "Current";
}

/** One group in aggregated discovery. */
export interface APIGroupDiscovery {
  /** The group's name (absent for core). */
  metadata: { name?: string };
  /** Versions, preferred first. */
  versions: APIVersionDiscovery[];
}

/** The aggregated discovery body of `/api` or `/apis`. */
export interface APIGroupDiscoveryList {
  /** `APIGroupDiscoveryList`. */
  kind: "APIGroupDiscoveryList";
  /** `apidiscovery.k8s.io/v2` or `apidiscovery.k8s.io/v2beta1`. */
  apiVersion: string;
  /** Always empty. */
  metadata: Record<string, never>;
  /** Groups, in discovery order. */
  items: APIGroupDiscovery[];
}

/** Options of {@linkcode aggregatedDiscovery}. */
export interface AggregatedDiscoveryOptions extends DiscoveryOptions {
  /** `api`: the core group only (what `/api` serves); `apis`: every other group. */
  root: "api" | "apis";
  /** The apidiscovery version; default `v2`. */
  version?: AggregatedVersion;
}

/**
 * The aggregated discovery body (`APIGroupDiscoveryList`) of `/api` (core
 * group only) or `/apis` (all other groups).
 *
 * @example
 * ```ts
 * import { aggregatedDiscovery } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const list = aggregatedDiscovery(new Scheme(coreV1Kinds), { root: "api" });
 * const ns = list.items[0].versions[0].resources.find((r) => r.resource === "namespaces")!;
 * assert.equal(ns.scope, "Cluster");
 * assert.deepEqual(ns.subresources?.map((s) => [s.subresource, s.verbs]), [
 *   ["finalize", ["update"]],
 *   ["status", ["get", "patch", "update"]],
 * ]);
 * ```
 */
export function aggregatedDiscovery(
  scheme: Scheme,
  options: AggregatedDiscoveryOptions,
): APIGroupDiscoveryList {
  const resources = servedResources(scheme, options);
  const groups = servedGroups(resources)
    .filter((g) => (options.root === "api") === (g.name === ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${options.version ?? "v2"}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name } : {},
      versions: g.versions.map((version) => ({
        version,
        resources: resources
          .filter((r) => r.group === g.name && r.version === version)
          .map(aggregatedResource),
        freshness: "Current" as const,
      })),
    })),
  };
}

function aggregatedResource(r: ServedResource): APIResourceDiscovery {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.scope,
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories.length ? { categories: [...r.categories] } : {}),
    ...(r.subresources.length
      ? {
        subresources: r.subresources.map((s) => ({
          subresource: s.name,
          responseKind: { ...s.responseKind },
          verbs: [...s.verbs],
        })),
      }
      : {}),
  };
}

// ------------------------------------------------------------------ negotiation

export { type MediaRange, parseAccept } from "./http.ts";

/** Which discovery form to serve, and its Content-Type. */
export interface DiscoveryNegotiation {
  /** `legacy` (APIVersions/APIGroupList) or an aggregated version. */
  format: "legacy" | AggregatedVersion;
  /** The exact response Content-Type. */
  contentType: string;
}

/** The Content-Type of aggregated discovery in `version`. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * Chooses the form of `/api` and `/apis` from the Accept header, as
 * kube-apiserver does: the most preferred range that asks for
 * `APIGroupDiscoveryList` of `apidiscovery.k8s.io` v2 or v2beta1 as JSON
 * (`application/json`, `application/*` or `*\/*` with those parameters)
 * selects the aggregated form in that version; ranges without those
 * parameters do not stop the search (kube's discovery endpoint only serves
 * them as the fallback); without such a range, the legacy form as
 * `application/json`. Ranges in media types k1s does not serve (protobuf) are
 * skipped.
 *
 * @example
 * ```ts
 * import { negotiateDiscovery } from "./discovery.ts";
 * import assert from "node:assert/strict";
 *
 * // kubectl 1.27–1.29
 * assert.deepEqual(
 *   negotiateDiscovery(
 *     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
 *   ),
 *   {
 *     format: "v2beta1",
 *     contentType: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
 *   },
 * );
 * assert.deepEqual(negotiateDiscovery("application/json"), {
 *   format: "legacy",
 *   contentType: "application/json",
 * });
 * ```
 */
export function negotiateDiscovery(accept: string | null | undefined): DiscoveryNegotiation {
  for (const r of parseAccept(accept)) {
    if (!acceptsJson(r)) continue;
    const { g, v, as } = r.params;
    if (g === "apidiscovery.k8s.io" && as === "APIGroupDiscoveryList") {
      if (v === "v2" || v === "v2beta1") {
        return { format: v, contentType: aggregatedContentType(v) };
      }
    }
  }
  return { format: "legacy", contentType: "application/json" };
}

// ------------------------------------------------------------------ one-stop answer

/** An HTTP answer as plain data: the server turns it into a Response. */
export interface HttpAnswer {
  /** Status code. */
  status: number;
  /** Response headers (lower-case names). */
  headers: Record<string, string>;
  /** Body text, or null (304, 301). */
  body: string | null;
}

/** What {@linkcode discoveryAnswer} needs of a request. */
export interface DiscoveryRequest extends DiscoveryOptions {
  /** URL path, e.g. `/apis/rbac.authorization.k8s.io/v1` (a trailing slash is ignored). */
  path: string;
  /** The Accept header. */
  accept?: string | null;
  /** The server's host:port, for legacy `/api`. */
  address?: string;
}

function json(body: unknown, contentType = "application/json", vary = false): HttpAnswer {
  return {
    status: 200,
    headers: { "content-type": contentType, ...(vary ? { vary: "Accept" } : {}) },
    body: JSON.stringify(body),
  };
}

/**
 * The answer to a discovery request, or undefined when `path` is not a
 * discovery path or names a group or version that is not served (the server
 * then answers 404). `/api` and `/apis` are negotiated with
 * {@linkcode negotiateDiscovery} and carry `Vary: Accept`; `/apis/<group>`,
 * `/api/<version>` and `/apis/<group>/<version>` are always legacy JSON.
 *
 * @example
 * ```ts
 * import { discoveryAnswer } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const scheme = new Scheme(coreV1Kinds);
 * const api = discoveryAnswer(scheme, { path: "/api", address: "127.0.0.1:6443" })!;
 * assert.deepEqual(JSON.parse(api.body!), {
 *   kind: "APIVersions",
 *   versions: ["v1"],
 *   serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
 * });
 * assert.equal(discoveryAnswer(scheme, { path: "/apis/nothing.example.com/v1" }), undefined);
 * ```
 */
export function discoveryAnswer(scheme: Scheme, request: DiscoveryRequest): HttpAnswer | undefined {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, "") : request.path;
  if (path === "/api" || path === "/apis") {
    const root = path === "/api" ? "api" : "apis";
    const n = negotiateDiscovery(request.accept);
    if (n.format !== "legacy") {
      return json(
        aggregatedDiscovery(scheme, { ...request, root, version: n.format }),
        n.contentType,
        true,
      );
    }
    return json(
      root === "api" ? apiVersions(scheme, request) : apiGroupList(scheme, request),
      n.contentType,
      true,
    );
  }
  const parts = path.split("/").slice(1);
  if (parts.some((p) => p === "")) return undefined;
  if (parts[0] === "api" && parts.length === 2) {
    const list = apiResourceList(scheme, { group: "", version: parts[1] }, request);
    return list && json(list);
  }
  if (parts[0] === "apis" && parts.length === 2) {
    const group = apiGroup(scheme, parts[1], request);
    return group && json(group);
  }
  if (parts[0] === "apis" && parts.length === 3) {
    const list = apiResourceList(scheme, { group: parts[1], version: parts[2] }, request);
    return list && json(list);
  }
  return undefined;
}
