/**
 * Static cost estimation of a rule in the spirit of cel-go's
 * `checker.Cost` with kube's size estimates, and kube's cost limits and
 * messages.
 *
 * @module
 */
import type { DeclType } from "./schema_types.ts";

/** kube's `StaticEstimatedCostLimit`: the largest estimated cost of one rule. */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
/** kube's `StaticEstimatedCRDCostLimit`: the largest total of one schema. */
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
/** kube's `PerCallLimit`: the runtime cost limit of one evaluation. */
export const PER_CALL_LIMIT = 1_000_000;
/** kube's `RuntimeCELCostBudget`: the runtime budget of one object. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;

interface Est {
  cost: number;
  t?: DeclType;
  size: number;
}

const STRING_FNS = new Set([
  "contains",
  "startsWith",
  "endsWith",
  "lowerAscii",
  "upperAscii",
  "trim",
  "replace",
  "split",
  "substring",
  "indexOf",
  "lastIndexOf",
  "charAt",
  "find",
  "findAll",
  "reverse",
  "join",
  "isURL",
  "url",
  "quantity",
  "isQuantity",
]);
const LIST_FNS = new Set(["isSorted", "sum", "min", "max", "indexOf", "lastIndexOf", "join"]);
const MACROS = new Set(["all", "exists", "exists_one", "map", "filter"]);

const STR: DeclType = { cel: "string", kind: "string", maxElements: 0, minSize: 2 };

function sizeOf(t: DeclType | undefined): number {
  return t ? t.maxElements : 0;
}

function est(n: any, scope: Map<string, DeclType | undefined>): Est {
  if (!n || typeof n !== "object") return { cost: 0, size: 0 };
  const a = n.args;
  switch (n.op) {
    case "value":
      return { cost: 0, size: typeof a === "string" ? a.length : 0 };
    case "id": {
      const t = scope.get(a);
      return { cost: 1, t, size: sizeOf(t) };
    }
    case ".":
    case ".?": {
      const l = est(a[0], scope);
      const t = l.t?.kind === "object" ? l.t.fields?.get(a[1])?.[1] : l.t?.elem;
      return { cost: l.cost + 1, t, size: sizeOf(t) };
    }
    case "[]":
    case "[?]": {
      const l = est(a[0], scope), r = est(a[1], scope);
      const t = l.t?.elem;
      return { cost: l.cost + r.cost + 1, t, size: sizeOf(t) };
    }
    case "list":
    case "map": {
      let cost = 10, size = 0;
      for (const x of a.flat()) {
        const e = est(x, scope);
        cost += e.cost;
        size++;
      }
      return { cost, size };
    }
    case "!_":
    case "-_": {
      const e = est(a, scope);
      return { cost: e.cost + 1, size: 0 };
    }
    case "&&":
    case "||": {
      const l = est(a[0], scope), r = est(a[1], scope);
      return { cost: l.cost + r.cost, size: 0 };
    }
    case "?:": {
      const c = est(a[0], scope), l = est(a[1], scope), r = est(a[2], scope);
      const big = l.cost >= r.cost ? l : r;
      return { cost: c.cost + big.cost, t: big.t, size: Math.max(l.size, r.size) };
    }
    case "in": {
      const l = est(a[0], scope), r = est(a[1], scope);
      const lin = r.t?.kind === "list" ? r.size : 1;
      return { cost: l.cost + r.cost + lin, size: 0 };
    }
    case "call":
    case "rcall": {
      const name: string = a[0];
      const recv = n.op === "rcall" ? est(a[1], scope) : undefined;
      const argNodes: any[] = n.op === "rcall" ? a[2] : a[1];
      if (recv && MACROS.has(name) && argNodes.length >= 2) {
        const rt = recv.t;
        const iterT = rt?.kind === "map" ? STR : rt?.elem;
        const inner = new Map(scope);
        inner.set(argNodes[0].args, iterT);
        let body = 0;
        for (const x of argNodes.slice(1)) body += est(x, inner).cost;
        const n2 = recv.size;
        const t = name === "map" || name === "filter" ? rt : undefined;
        return { cost: recv.cost + n2 * (body + 1) + 1, t, size: n2 };
      }
      let cost = 1 + (recv?.cost ?? 0);
      let argSize = 0;
      for (const x of argNodes) {
        const e = est(x, scope);
        cost += e.cost;
        argSize = Math.max(argSize, e.size);
      }
      if (name === "has" || name === "size") return { cost, size: 0 };
      const base = recv ?? (argNodes[0] ? est(argNodes[0], scope) : undefined);
      if (recv?.t?.kind === "list" && LIST_FNS.has(name)) {
        return { cost: cost + recv.size, t: recv.t.elem, size: sizeOf(recv.t.elem) };
      }
      if (name === "matches") {
        const s = base?.size ?? 0;
        return { cost: cost + Math.ceil(1 + 0.1 * s) * Math.ceil(argSize * 0.25), size: 0 };
      }
      if (STRING_FNS.has(name)) {
        return { cost: cost + Math.ceil(0.1 * (base?.size ?? 0)), size: base?.size ?? 0 };
      }
      return { cost, size: 0 };
    }
    default: {
      // binary operators
      if (Array.isArray(a) && a.length === 2) {
        const l = est(a[0], scope), r = est(a[1], scope);
        let cost = l.cost + r.cost + 1;
        const strOrList = l.t?.kind === "string" || l.t?.kind === "list";
        if (strOrList && (n.op === "==" || n.op === "!=" || n.op === "<" || n.op === ">")) {
          cost += Math.ceil(0.1 * Math.min(l.size, r.size || l.size));
        }
        if (n.op === "+" && strOrList) {
          return { cost: cost + Math.ceil(0.1 * (l.size + r.size)), t: l.t, size: l.size + r.size };
        }
        return { cost, size: 0 };
      }
      return { cost: 1, size: 0 };
    }
  }
}

/**
 * Estimates the worst-case cost of one evaluation of a parsed rule whose
 * `self` (and `oldSelf`) has type `self`.
 *
 * @example
 * ```ts
 * import { estimateCost } from "./cost.ts";
 * import { declType } from "./schema_types.ts";
 * import { parse } from "@marcbachmann/cel-js";
 * import assert from "node:assert/strict";
 * const t = declType({ type: "array", maxItems: 10, items: { type: "integer" } });
 * assert.ok(estimateCost(parse("self.all(x, x > 0)").ast, t) > 10);
 * ```
 */
export function estimateCost(ast: unknown, self: DeclType | undefined): number {
  const scope = new Map<string, DeclType | undefined>([["self", self], ["oldSelf", self]]);
  return est(ast, scope).cost;
}

/**
 * kube's `getCostErrorMessage`.
 *
 * @example
 * ```ts
 * import { costErrorMessage } from "./cost.ts";
 * import assert from "node:assert/strict";
 * assert.match(costErrorMessage("estimated rule cost", 15, 10), /factor of 1\.5x/);
 * ```
 */
export function costErrorMessage(name: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? "more than 100x" : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${name} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
