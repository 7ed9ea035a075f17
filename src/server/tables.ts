// TEMPORARY (not committed): replaced by the adapter over src/registry/table.ts.
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
export interface TableRequest {
  includeObject?: string;
}
export function tableForList(_k: Kind, list: KubeList, _t: TableRequest): unknown {
  return list;
}
export function tableForObject(_k: Kind, obj: KubeObject, _t: TableRequest): unknown {
  return obj;
}
export function tableForWatchEvent(
  _k: Kind,
  ev: WatchEvent<KubeObject>,
  _t: TableRequest,
  _first: boolean,
): WatchEvent<KubeObject> {
  return ev;
}
