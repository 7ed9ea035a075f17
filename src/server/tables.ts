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
  type Table,
  toTable,
} from "../registry/table.ts";
import type { Kind } from "../scheme/kind.ts";

/** What a request asked of its Table. */
export interface TableRequest {
  /** What each row carries of its object (the `includeObject` query parameter). */
  includeObject: IncludeObjectPolicy;
}

/** Reads a Table request's parameters: a 400 for a bad `includeObject`, before any work. */
export function tableRequest(includeObject: string | undefined): TableRequest {
  return { includeObject: parseIncludeObject(includeObject) };
}

/** A list as a Table, with the list's resourceVersion and continue token. */
export function tableForList(kind: Kind, list: KubeList, table: TableRequest): Table {
  return toTable(kind, list.items, {
    ...list.metadata,
    includeObject: table.includeObject,
  });
}

/** One object as a one-row Table. */
export function tableForObject(kind: Kind, obj: KubeObject, table: TableRequest): Table {
  return toTable(kind, obj, { includeObject: table.includeObject });
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
  const object = ev.type === "BOOKMARK"
    ? toTable(kind, [], {
      resourceVersion: ev.object.metadata?.resourceVersion,
      includeObject,
      noHeaders: !first,
    })
    : toTable(kind, ev.object, { includeObject, noHeaders: !first });
  return { type: ev.type, object: object as unknown as KubeObject };
}
