// TEMPORARY (not committed until replaced by src/server/discovery.ts)
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import { jsonResponse } from "./http.ts";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function resources(kinds: Kind[]) {
  const out: Record<string, unknown>[] = [];
  for (const k of kinds) {
    out.push({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.scope === "Namespaced",
      kind: k.kind,
      verbs: VERBS,
      ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
      ...(k.categories.length ? { categories: k.categories } : {}),
    });
    if (k.statusSubresource) {
      out.push({
        name: `${k.plural}/status`,
        singularName: "",
        namespaced: k.scope === "Namespaced",
        kind: k.kind,
        verbs: ["get", "patch", "update"],
      });
    }
  }
  return out;
}

export function discoveryResponse(
  scheme: Scheme,
  _req: Request,
  url: URL,
  address?: string,
): Promise<Response | undefined> {
  const p = url.pathname.replace(/\/$/, "");
  const kinds = scheme.kinds();
  const groups = new Map<string, Set<string>>();
  for (const k of kinds) {
    if (k.group) {
      (groups.get(k.group) ?? groups.set(k.group, new Set()).get(k.group)!).add(k.version);
    }
  }
  if (p === "/api") {
    return Promise.resolve(
      jsonResponse({
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: address ?? "" }],
      }),
    );
  }
  if (p === "/apis") {
    return Promise.resolve(jsonResponse({
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...groups].map(([g, vs]) => ({
        name: g,
        versions: [...vs].map((v) => ({ groupVersion: `${g}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g}/${[...vs][0]}`, version: [...vs][0] },
      })),
    }));
  }
  if (p === "/api/v1") {
    return Promise.resolve(
      jsonResponse({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "v1",
        resources: resources(kinds.filter((k) => k.group === "")),
      }),
    );
  }
  const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m && groups.get(m[1])?.has(m[2])) {
    return Promise.resolve(
      jsonResponse({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: `${m[1]}/${m[2]}`,
        resources: resources(kinds.filter((k) => k.group === m[1] && k.version === m[2])),
      }),
    );
  }
  return Promise.resolve(undefined);
}
