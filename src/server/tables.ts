/**
 * Table responses (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`)
 * for lists, single objects and watch events, over the registry's table
 * convertor (the columns `k1s get` prints).
 *
 * @module
 */
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import {
  type IncludeObjectPolicy,
  parseIncludeObject,
  type PartialObjectMetadata,
  type Table,
  type TableApiVersion,
  toTable,
} from "../registry/table.ts";
import type { Kind } from "../scheme/kind.ts";

/** What a request asked of its Table. */
export interface TableRequest {
  /** What each row carries of its object (the `includeObject` query parameter). */
  includeObject: IncludeObjectPolicy;
  /** The meta.k8s.io version the client accepted first. */
  apiVersion: TableApiVersion;
}

/** Reads a Table request's parameters: a 400 for a bad `includeObject`, before any work. */
export function tableRequest(
  includeObject: string | undefined,
  version: "v1" | "v1beta1" = "v1",
): TableRequest {
  return {
    includeObject: parseIncludeObject(includeObject),
    apiVersion: `meta.k8s.io/${version}`,
  };
}

/** A Table in the version the client asked for (v1beta1's fields are v1's). */
function inVersion(t: Table, table: TableRequest): Table {
  if (table.apiVersion === t.apiVersion) return t;
  t.apiVersion = table.apiVersion;
  for (const row of t.rows) {
    if (row.object?.kind === "PartialObjectMetadata") {
      (row.object as PartialObjectMetadata).apiVersion = table.apiVersion;
    }
  }
  return t;
}

/** A list as a Table, with the list's resourceVersion and continue token. */
export function tableForList(kind: Kind, list: KubeList, table: TableRequest): Table {
  return inVersion(
    toTable(kind, list.items, { ...list.metadata, includeObject: table.includeObject }),
    table,
  );
}

/** One object as a one-row Table. */
export function tableForObject(kind: Kind, obj: KubeObject, table: TableRequest): Table {
  return inVersion(toTable(kind, obj, { includeObject: table.includeObject }), table);
}

/**
 * A watch event whose object is a one-row Table; only the first event of a
 * watch carries the column definitions, as kube-apiserver sends them.
 * Bookmarks carry a Table without rows, with the bookmark's resourceVersion.
 */
export function tableForWatchEvent(
  kind: Kind,
  ev: WatchEvent<KubeObject>,
  table: TableRequest,
  first: boolean,
): WatchEvent<KubeObject> {
  const includeObject = table.includeObject;
  const object = inVersion(
    ev.type === "BOOKMARK"
      ? toTable(kind, [], {
        resourceVersion: ev.object.metadata?.resourceVersion,
        includeObject,
        noHeaders: !first,
      })
      : toTable(kind, ev.object, { includeObject, noHeaders: !first }),
    table,
  );
  return { type: ev.type, object: object as unknown as KubeObject };
}
