/**
 * The Kubernetes CEL extension libraries on top of
 * `@marcbachmann/cel-js`: lists, regex, urls, quantity and the cel-go
 * strings extension functions the base library lacks.
 *
 * @module
 */
import { Environment } from "@marcbachmann/cel-js";
import { Quantity } from "./quantity.ts";

/** A parsed URL, as kube's `kubernetes.URL`. */
export class KubeURL {
  /** The parsed URL. */
  constructor(readonly url: URL, readonly text: string) {}
}

type Fn = (...args: any[]) => unknown;

function fn(
  env: Environment,
  name: string,
  params: string[],
  returnType: string,
  handler: Fn,
  receiverType?: string,
): void {
  env.registerFunction({
    name,
    receiverType,
    returnType,
    handler,
    params: params.map((type, i) => ({ name: `a${i}`, type })),
  } as any);
}

function cmp(a: unknown, b: unknown): number {
  if (a instanceof Quantity && b instanceof Quantity) return a.compareTo(b);
  const x = a as any, y = b as any;
  if (typeof x === "object" && x !== null && "valueOf" in x && typeof y === "object") {
    const vx = x.valueOf(), vy = y.valueOf();
    return vx < vy ? -1 : vx > vy ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch {
    throw new Error(`error parsing regexp: ${pattern}`);
  }
}

const LIST_ELEMS = [
  "int",
  "uint",
  "double",
  "string",
  "bool",
  "bytes",
  "google.protobuf.Duration",
  "google.protobuf.Timestamp",
];

function listsLibrary(env: Environment): void {
  for (const t of LIST_ELEMS) {
    const lt = `list<${t}>`;
    fn(env, "isSorted", [], "bool", (l: unknown[]) => {
      for (let i = 1; i < l.length; i++) if (cmp(l[i - 1], l[i]) > 0) return false;
      return true;
    }, lt);
    fn(env, "indexOf", [t], "int", (l: unknown[], v: unknown) => {
      for (let i = 0; i < l.length; i++) if (cmp(l[i], v) === 0) return BigInt(i);
      return -1n;
    }, lt);
    fn(env, "lastIndexOf", [t], "int", (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (cmp(l[i], v) === 0) return BigInt(i);
      return -1n;
    }, lt);
    if (t === "bool" || t === "bytes") continue;
    const pick = (dir: number, name: string) => (l: unknown[]) => {
      if (l.length === 0) throw new Error(`${name} called on empty list`);
      let r = l[0];
      for (const v of l) if (cmp(v, r) * dir > 0) r = v;
      return r;
    };
    fn(env, "min", [], t, pick(-1, "min"), lt);
    fn(env, "max", [], t, pick(1, "max"), lt);
  }
  fn(env, "sum", [], "int", (l: bigint[]) => {
    let s = 0n;
    for (const v of l) {
      s += v;
      if (s >= 2n ** 63n || s < -(2n ** 63n)) throw new Error("integer overflow");
    }
    return s;
  }, "list<int>");
  fn(env, "sum", [], "double", (l: number[]) => l.reduce((a, b) => a + b, 0), "list<double>");
}

function regexLibrary(env: Environment): void {
  fn(
    env,
    "find",
    ["string"],
    "string",
    (s: string, p: string) => regex(p).exec(s)?.[0] ?? "",
    "string",
  );
  const findAll = (s: string, p: string, n = -1n) => {
    const re = new RegExp(regex(p).source, "gu");
    const out: string[] = [];
    if (n === 0n) return out;
    for (const m of s.matchAll(re)) {
      out.push(m[0]);
      if (n > 0n && BigInt(out.length) >= n) break;
    }
    return out;
  };
  fn(env, "findAll", ["string"], "list<string>", findAll, "string");
  fn(env, "findAll", ["string", "int"], "list<string>", findAll, "string");
}

function stringsLibrary(env: Environment): void {
  const cps = (s: string) => Array.from(s);
  fn(env, "charAt", ["int"], "string", (s: string, i: bigint) => {
    const c = cps(s);
    if (i < 0n || i > BigInt(c.length)) throw new Error(`index out of range: ${i}`);
    return c[Number(i)] ?? "";
  }, "string");
  fn(env, "replace", ["string", "string"], "string", (s: string, a: string, b: string) => {
    return s.split(a).join(b);
  }, "string");
  fn(
    env,
    "replace",
    ["string", "string", "int"],
    "string",
    (s: string, a: string, b: string, n: bigint) => {
      if (n < 0n) return s.split(a).join(b);
      let out = "", rest = s;
      for (let i = 0n; i < n; i++) {
        const k = rest.indexOf(a);
        if (k < 0) break;
        out += rest.slice(0, k) + b;
        rest = rest.slice(k + a.length);
        if (a === "" && rest.length) {
          out += rest[0];
          rest = rest.slice(1);
        }
      }
      return out + rest;
    },
    "string",
  );
  fn(env, "reverse", [], "string", (s: string) => cps(s).reverse().join(""), "string");
}

function urlsLibrary(env: Environment): void {
  const parse = (s: string): URL | undefined => {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && !s.startsWith("/")) return undefined;
    try {
      return new URL(s, s.startsWith("/") ? "http://relative.invalid" : undefined);
    } catch {
      return undefined;
    }
  };
  fn(env, "url", ["string"], "kubernetes.URL", (s: string) => {
    const u = parse(s);
    if (!u) {
      throw new Error(
        `URL parse error during conversion from string: parse "${s}": invalid URI for request`,
      );
    }
    return new KubeURL(u, s);
  });
  fn(env, "isURL", ["string"], "bool", (s: string) => parse(s) !== undefined);
  const R = "kubernetes.URL";
  const rel = (u: KubeURL) => u.text.startsWith("/");
  fn(env, "getScheme", [], "string", (u: KubeURL) => rel(u) ? "" : u.url.protocol.slice(0, -1), R);
  fn(env, "getHost", [], "string", (u: KubeURL) => rel(u) ? "" : u.url.host, R);
  fn(env, "getHostname", [], "string", (u: KubeURL) => {
    if (rel(u)) return "";
    const h = u.url.hostname;
    return h.startsWith("[") ? h.slice(1, -1) : h;
  }, R);
  fn(env, "getPort", [], "string", (u: KubeURL) => {
    if (rel(u)) return "";
    const m = /^[^:]*:\/\/[^/?#]*:([0-9]*)(?:[/?#]|$)/.exec(u.text);
    return m ? m[1] : "";
  }, R);
  fn(env, "getEscapedPath", [], "string", (u: KubeURL) => u.url.pathname, R);
  fn(env, "getQuery", [], "map<string, list<string>>", (u: KubeURL) => {
    const out = new Map<string, string[]>();
    for (const [k, v] of u.url.searchParams) {
      if (!out.has(k)) out.set(k, []);
      out.get(k)!.push(v);
    }
    return out;
  }, R);
}

function quantityLibrary(env: Environment): void {
  const Q = "kubernetes.Quantity";
  const parse = (s: string) => Quantity.parse(s);
  fn(env, "quantity", ["string"], Q, parse);
  fn(env, "isQuantity", ["string"], "bool", (s: string) => {
    try {
      Quantity.parse(s);
      return true;
    } catch {
      return false;
    }
  });
  const q = (v: Quantity | bigint) => typeof v === "bigint" ? new Quantity(v) : v;
  fn(env, "sign", [], "int", (a: Quantity) => BigInt(a.sign()), Q);
  fn(env, "isInteger", [], "bool", (a: Quantity) => a.isInteger(), Q);
  fn(env, "asInteger", [], "int", (a: Quantity) => a.asInteger(), Q);
  fn(env, "asApproximateFloat", [], "double", (a: Quantity) => a.asApproximateFloat(), Q);
  fn(env, "compareTo", [Q], "int", (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)), Q);
  fn(env, "isLessThan", [Q], "bool", (a: Quantity, b: Quantity) => a.compareTo(b) < 0, Q);
  fn(env, "isGreaterThan", [Q], "bool", (a: Quantity, b: Quantity) => a.compareTo(b) > 0, Q);
  for (const t of [Q, "int"]) {
    fn(env, "add", [t], Q, (a: Quantity, b: Quantity | bigint) => a.add(q(b)), Q);
    fn(env, "sub", [t], Q, (a: Quantity, b: Quantity | bigint) => a.sub(q(b)), Q);
  }
}

let base: Environment | undefined;

/**
 * The shared base environment: CEL standard library with optional types and
 * the Kubernetes libraries. Clone it (`.clone()`) before declaring variables.
 *
 * @example
 * ```ts
 * import { kubeBaseEnvironment } from "./libraries.ts";
 * import assert from "node:assert/strict";
 * const env = kubeBaseEnvironment().clone();
 * assert.equal(env.evaluate("[1, 2, 3].sum() == 6"), true);
 * ```
 */
export function kubeBaseEnvironment(): Environment {
  if (base) return base;
  const env = new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: true,
    unlistedVariablesAreDyn: false,
  });
  env.registerType("kubernetes.Quantity", Quantity as any);
  env.registerType("kubernetes.URL", KubeURL as any);
  listsLibrary(env);
  regexLibrary(env);
  stringsLibrary(env);
  urlsLibrary(env);
  quantityLibrary(env);
  base = env;
  return env;
}
