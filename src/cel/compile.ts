/**
 * Compiling `x-kubernetes-validations` rules of a structural schema and
 * running them against objects, as kube-apiserver's
 * `apiextensions-apiserver/pkg/apiserver/schema/cel` does.
 *
 * @module
 */
import { jsonEqual } from "../apimachinery/json_equal.ts";
import { type Environment, Optional } from "@marcbachmann/cel-js";
import { field, type FieldError } from "../apimachinery/errors.ts";
import type { ValidationRule } from "../scheme/kind.ts";
import { kubeBaseEnvironment } from "./libraries.ts";
import { type DeclType, declType, toCel } from "./schema_types.ts";
import { formatIssue, runtimeMessage } from "./issues.ts";
import {
  costErrorMessage,
  estimateCost,
  PER_CALL_LIMIT,
  RUNTIME_CEL_COST_BUDGET,
  STATIC_ESTIMATED_COST_LIMIT,
  STATIC_ESTIMATED_CRD_COST_LIMIT,
} from "./cost.ts";

type Schema = Record<string, unknown>;
type Program = (ctx: Record<string, unknown>) => unknown;

/** Runs the compiled rules of a schema against objects. */
export interface CelValidator {
  /**
   * Runs every rule against `obj` (the whole custom object), with `oldObj`
   * for transition rules on update; returns kube's field errors (root path
   * `<nil>` as kube's nil path prints, children `spec.x`).
   */
  validate(obj: unknown, oldObj?: unknown): FieldError[];
}

/** The result of compiling a schema's rules. */
export interface CompileResult {
  /** Compile and cost errors, as kube's CRD validation reports them. */
  errors: FieldError[];
  /** The validator, undefined when the schema has no rules. */
  validator: CelValidator | undefined;
}

interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  message?: Program;
  usesOldSelf: boolean;
  fieldPath: string;
  nodes: number;
  iterDepth: number;
}

interface VNode {
  schemaType: string;
  type?: DeclType;
  rules: CompiledRule[];
  props: Map<string, VNode>;
  additional?: VNode;
  items?: VNode;
  correlatable: boolean;
  listMapKeys?: string[];
}

let evalEnv: Environment | undefined;
let optEvalEnv: Environment | undefined;
function evaluationEnv(optionalOldSelf = false): Environment {
  if (optionalOldSelf) {
    optEvalEnv ??= kubeBaseEnvironment().clone().registerVariable("self", "dyn")
      .registerVariable("oldSelf", "optional<dyn>");
    return optEvalEnv;
  }
  evalEnv ??= kubeBaseEnvironment().clone().registerVariable("self", "dyn")
    .registerVariable("oldSelf", "dyn");
  return evalEnv;
}

function walkAst(n: any, visit: (n: any, depth: number) => void, depth = 0): void {
  if (!n || typeof n !== "object") return;
  if (Array.isArray(n)) {
    for (const x of n) walkAst(x, visit, depth);
    return;
  }
  if (typeof n.op !== "string") return;
  visit(n, depth);
  const iter = n.op === "rcall" &&
    ["all", "exists", "exists_one", "map", "filter"].includes(n.args[0]);
  if (Array.isArray(n.args)) {
    for (let i = 0; i < n.args.length; i++) {
      walkAst(n.args[i], visit, depth + (iter && i === 2 ? 1 : 0));
    }
  } else walkAst(n.args, visit, depth);
}

function astInfo(ast: unknown): { usesOldSelf: boolean; nodes: number; iterDepth: number } {
  let usesOldSelf = false, nodes = 0, iterDepth = 0;
  walkAst(ast, (n, d) => {
    nodes++;
    iterDepth = Math.max(
      iterDepth,
      d +
        (n.op === "rcall" &&
            ["isSorted", "sum", "min", "max", "indexOf", "lastIndexOf"].includes(n.args[0])
          ? 1
          : 0),
    );
    if (n.op === "id" && n.args === "oldSelf") usesOldSelf = true;
    if (n.op === "in") iterDepth = Math.max(iterDepth, d + 1);
  });
  return { usesOldSelf, nodes, iterDepth };
}

function ruleForError(r: ValidationRule): Record<string, unknown> {
  return {
    Rule: r.rule,
    Message: r.message ?? "",
    MessageExpression: r.messageExpression ?? "",
    Reason: r.reason ?? null,
    FieldPath: r.fieldPath ?? "",
    OptionalOldSelf: r.optionalOldSelf ?? null,
  };
}

function normalizeFieldPath(fp: string | undefined): string {
  if (!fp) return "";
  return fp.replace(/\['((?:[^'\\]|\\.)*)'\]/g, (_, k) => `[${k.replace(/\\(.)/g, "$1")}]`)
    .replace(/^\./, "");
}

interface Ctx {
  errors: FieldError[];
  costs: { path: string; cost: number }[];
}

function compileNodeRules(
  node: Schema,
  rules: ValidationRule[],
  path: string,
  cardinality: number,
  isRoot: boolean,
  ctx: Ctx,
): { type?: DeclType; compiled: CompiledRule[] } {
  const typesEnv = kubeBaseEnvironment().clone();
  const type = declType(node, typesEnv, "selfType0", isRoot);
  const celT = type?.cel ?? "dyn";
  const env = typesEnv.clone().registerVariable("self", celT).registerVariable("oldSelf", celT);
  const optEnv = typesEnv.clone().registerVariable("self", celT)
    .registerVariable("oldSelf", `optional<${celT}>`);
  const compiled: CompiledRule[] = [];
  rules.forEach((r, i) => {
    const rulePath = `${path}.x-kubernetes-validations[${i}]`;
    const out: CompiledRule = {
      rule: r,
      usesOldSelf: false,
      fieldPath: normalizeFieldPath(r.fieldPath),
      nodes: 1,
      iterDepth: 0,
    };
    compiled.push(out);
    if (!r.rule || !r.rule.trim()) return;
    const useEnv = r.optionalOldSelf ? optEnv : env;
    let ast: unknown;
    let detail: string | undefined;
    try {
      const parsed = useEnv.parse(r.rule);
      ast = parsed.ast;
      const c = useEnv.check(r.rule);
      if (!c.valid) detail = `compilation failed: ${formatIssue(c.error, r.rule)}`;
      else if (!["bool", "dyn"].includes(String((c as any).type))) {
        detail = "cel expression must evaluate to a bool";
      }
    } catch (e) {
      detail = `compilation failed: ${formatIssue(e, r.rule)}`;
    }
    if (detail) {
      ctx.errors.push(field.invalid(`${rulePath}.rule`, ruleForError(r), detail));
      return;
    }
    Object.assign(out, astInfo(ast));
    const cost = estimateCost(ast, type) * cardinality;
    if (cost > STATIC_ESTIMATED_COST_LIMIT) {
      ctx.errors.push(field.forbidden(
        `${rulePath}.rule`,
        costErrorMessage("estimated rule cost", cost, STATIC_ESTIMATED_COST_LIMIT),
      ));
    }
    ctx.costs.push({ path: `${rulePath}.rule`, cost });
    if (r.optionalOldSelf && !out.usesOldSelf) {
      ctx.errors.push(field.invalid(
        `${rulePath}.optionalOldSelf`,
        true,
        "may not be set if oldSelf is not used in rule",
      ));
    }
    out.program = evaluationEnv(r.optionalOldSelf === true).parse(r.rule) as unknown as Program;
    if (r.messageExpression) {
      let md: string | undefined;
      try {
        const c = env.check(r.messageExpression);
        if (!c.valid) {
          md = `messageExpression compilation failed: ${formatIssue(c.error, r.messageExpression)}`;
        } else if (!["string", "dyn"].includes(String((c as any).type))) {
          md = "messageExpression must evaluate to a string";
        }
      } catch (e) {
        md = `messageExpression compilation failed: ${formatIssue(e, r.messageExpression)}`;
      }
      if (md) {
        ctx.errors.push(field.invalid(`${rulePath}.messageExpression`, ruleForError(r), md));
      } else {
        const mcost = estimateCost(env.parse(r.messageExpression).ast, type) * cardinality;
        if (mcost > STATIC_ESTIMATED_COST_LIMIT) {
          ctx.errors.push(field.forbidden(
            `${rulePath}.messageExpression`,
            costErrorMessage(
              "estimated messageExpression cost",
              mcost,
              STATIC_ESTIMATED_COST_LIMIT,
            ),
          ));
        }
        ctx.costs.push({ path: `${rulePath}.messageExpression`, cost: mcost });
        out.message = evaluationEnv().parse(r.messageExpression) as unknown as Program;
      }
    }
  });
  return { type, compiled };
}

function walk(
  s: Schema,
  path: string,
  cardinality: number,
  isRoot: boolean,
  ctx: Ctx,
): VNode | undefined {
  const node: VNode = {
    schemaType: typeof s.type === "string" ? s.type : "",
    rules: [],
    props: new Map(),
    correlatable: s["x-kubernetes-map-type"] === undefined ||
      s["x-kubernetes-map-type"] === "granular" || s["x-kubernetes-map-type"] === "atomic",
  };
  let has = false;
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const k of Object.keys(props).sort()) {
    const c = walk(props[k], `${path}.properties[${k}]`, cardinality, false, ctx);
    if (c) {
      node.props.set(k, c);
      has = true;
    }
  }
  const ap = s.additionalProperties;
  if (ap && typeof ap === "object") {
    const t = declType(s);
    const c = walk(
      ap as Schema,
      `${path}.additionalProperties`,
      cardinality * (t?.maxElements || 1),
      false,
      ctx,
    );
    if (c) {
      node.additional = c;
      has = true;
    }
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) {
    const t = declType(s);
    const items = s.items as Schema;
    const c = walk(
      items,
      `${path}.items`,
      cardinality * (t?.maxElements || 1),
      items["x-kubernetes-embedded-resource"] === true,
      ctx,
    );
    if (c) {
      node.items = c;
      if (s["x-kubernetes-list-type"] === "map") {
        node.listMapKeys = (s["x-kubernetes-list-map-keys"] ?? []) as string[];
      }
      has = true;
    }
  }
  // kube compiles a node's own rules after its properties' (their errors come first).
  const rules = s["x-kubernetes-validations"] as ValidationRule[] | undefined;
  if (Array.isArray(rules) && rules.length > 0) {
    const r = compileNodeRules(s, rules, path, cardinality, isRoot, ctx);
    node.type = r.type;
    node.rules = r.compiled;
    has = true;
  }
  return has ? node : undefined;
}

function countElements(v: unknown): number {
  if (Array.isArray(v)) {
    let n = 1;
    for (const x of v) n += countElements(x);
    return n;
  }
  if (v && typeof v === "object") {
    let n = 1;
    for (const x of Object.values(v)) n += countElements(x);
    return n;
  }
  if (typeof v === "string") return 1 + Math.ceil(v.length / 10);
  return 1;
}

const OUT_OF_BUDGET =
  "validation failed due to running out of cost budget, no further validation rules will be run";

function ruleErrorString(r: ValidationRule): string {
  return r.message ? r.message.trim() : r.rule.trim();
}

function child(path: string, k: string): string {
  return path === "<nil>" ? k : `${path}.${k}`;
}

class Validator implements CelValidator {
  constructor(private root: VNode) {}

  validate(obj: unknown, oldObj?: unknown): FieldError[] {
    const errs: FieldError[] = [];
    this.#node(this.root, "<nil>", obj, oldObj, { budget: RUNTIME_CEL_COST_BUDGET }, errs);
    return errs;
  }

  #node(
    n: VNode,
    path: string,
    obj: unknown,
    old: unknown,
    b: { budget: number },
    errs: FieldError[],
  ): void {
    if (obj === null || obj === undefined || b.budget < 0) return;
    if (n.rules.length > 0) this.#rules(n, path, obj, old ?? undefined, b, errs);
    if (b.budget < 0) return;
    if (Array.isArray(obj)) {
      if (!n.items) return;
      const olds = Array.isArray(old) && n.listMapKeys ? old : undefined;
      for (let i = 0; i < obj.length; i++) {
        let o: unknown;
        if (olds && obj[i] && typeof obj[i] === "object") {
          const keys = n.listMapKeys!;
          o = olds.find((x) =>
            x && typeof x === "object" && keys.every((k) => (x as any)[k] === (obj[i] as any)[k])
          );
        }
        this.#node(n.items, `${path}[${i}]`, obj[i], o, b, errs);
        if (b.budget < 0) return;
      }
    } else if (typeof obj === "object") {
      const rec = obj as Record<string, unknown>;
      const oldRec = n.correlatable && old && typeof old === "object"
        ? old as Record<string, unknown>
        : undefined;
      if (n.additional) {
        for (const k of Object.keys(rec)) {
          this.#node(n.additional, `${path}[${k}]`, rec[k], oldRec?.[k], b, errs);
          if (b.budget < 0) return;
        }
      }
      for (const [k, c] of n.props) {
        if (!(k in rec)) continue;
        this.#node(c, child(path, k), rec[k], oldRec?.[k], b, errs);
        if (b.budget < 0) return;
      }
    }
  }

  #rules(
    n: VNode,
    path: string,
    obj: unknown,
    old: unknown,
    b: { budget: number },
    errs: FieldError[],
  ): void {
    if (b.budget <= 0) {
      errs.push(field.invalid(path, n.schemaType, OUT_OF_BUDGET));
      b.budget = -1;
      return;
    }
    const self = toCel(obj, n.type);
    let oldSelf: unknown;
    let elements = -1;
    for (const c of n.rules) {
      if (!c.program) continue;
      const r = c.rule;
      if (c.usesOldSelf && old === undefined && !r.optionalOldSelf) continue;
      if (oldSelf === undefined && old !== undefined && c.usesOldSelf) oldSelf = toCel(old, n.type);
      const act: Record<string, unknown> = { self };
      if (c.usesOldSelf) {
        act.oldSelf = r.optionalOldSelf
          ? (old === undefined ? Optional.none() : Optional.of(oldSelf))
          : oldSelf;
      }
      // Runtime cost: an approximation (see mod.ts).
      let cost = c.nodes;
      if (c.iterDepth > 0) {
        if (elements < 0) elements = countElements(obj);
        cost *= Math.pow(elements + 1, c.iterDepth);
      }
      if (cost > PER_CALL_LIMIT) {
        errs.push(field.invalid(
          path,
          n.schemaType,
          `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${
            ruleErrorString(r)
          }`,
        ));
        b.budget = -1;
        return;
      }
      if (cost > b.budget) {
        errs.push(field.invalid(path, n.schemaType, OUT_OF_BUDGET));
        b.budget = -1;
        return;
      }
      b.budget -= cost;
      let result: unknown;
      try {
        result = c.program(act);
      } catch (e) {
        const m = runtimeMessage(e);
        if (m === "no such overload") {
          errs.push(field.invalid(
            path,
            n.schemaType,
            `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${
              ruleErrorString(r)
            }`,
          ));
        } else {
          errs.push(
            field.invalid(path, n.schemaType, `${m} evaluating rule: ${ruleErrorString(r)}`),
          );
        }
        continue;
      }
      if (result === true) continue;
      // Ratcheting (CRDValidationRatcheting): a rule that does not look at oldSelf does not fail
      // an update that leaves its value as it was (kube turns the error into a warning).
      if (!c.usesOldSelf && old !== undefined && jsonEqual(obj, old)) continue;
      const at = c.fieldPath ? child(path, c.fieldPath) : path;
      let detail: string | undefined;
      if (c.message) {
        try {
          const m = c.message({ self, oldSelf: oldSelf ?? null });
          if (typeof m === "string") {
            const t = m.trim();
            if (t.length > 0 && t.length <= 5120 && !t.includes("\n")) detail = t;
          }
        } catch {
          // kube logs messageExpression failures and falls back to the message
        }
      }
      detail ??= r.message ? r.message.trim() : `failed rule: ${r.rule.trim()}`;
      const value = n.schemaType === "object" || n.schemaType === "array" ? undefined : obj;
      switch (r.reason) {
        case "FieldValueForbidden":
          errs.push(field.forbidden(at, detail));
          break;
        case "FieldValueRequired":
          errs.push(field.required(at, detail));
          break;
        case "FieldValueDuplicate":
          errs.push(field.duplicate(at, value));
          break;
        default:
          errs.push({ type: "FieldValueInvalid", field: at, badValue: value, detail });
      }
    }
  }
}

const cache = new WeakMap<object, Map<string, CompileResult>>();

/**
 * Compiles every `x-kubernetes-validations` rule of a structural
 * `openAPIV3Schema`; returns kube's compile and cost errors (paths under
 * `path`) and a validator. Results are cached per schema object and path.
 *
 * @example
 * ```ts
 * import { compileSchemaRules } from "./compile.ts";
 * import assert from "node:assert/strict";
 * const schema = {
 *   type: "object",
 *   properties: { spec: { type: "object", properties: { replicas: { type: "integer" } },
 *     "x-kubernetes-validations": [{ rule: "self.replicas >= 0", message: "must not be negative" }] } },
 * };
 * const { errors, validator } = compileSchemaRules(schema, "spec.validation.openAPIV3Schema");
 * assert.deepEqual(errors, []);
 * assert.deepEqual(validator!.validate({ spec: { replicas: -1 } }), [
 *   { type: "FieldValueInvalid", field: "spec", badValue: undefined, detail: "must not be negative" },
 * ]);
 * ```
 */
export function compileSchemaRules(schema: Schema, path: string): CompileResult {
  return compile(schema, path, false);
}

function compile(schema: Schema, path: string, untypedRoot: boolean): CompileResult {
  let byPath = cache.get(schema);
  const hit = byPath?.get(path);
  if (hit) return hit;
  const ctx: Ctx = { errors: [], costs: [] };
  const root = walk(schema, path, 1, true, ctx);
  if (root && untypedRoot) root.schemaType = "object";
  const total = ctx.costs.reduce((a, c) => a + c.cost, 0);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const top = [...ctx.costs].sort((a, b) => b.cost - a.cost).slice(0, 4);
    for (const t of top) {
      ctx.errors.push(field.forbidden(
        t.path,
        "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema",
      ));
    }
    ctx.errors.push(field.forbidden(
      path,
      costErrorMessage(
        "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
        total,
        STATIC_ESTIMATED_CRD_COST_LIMIT,
      ),
    ));
  }
  const result: CompileResult = {
    errors: ctx.errors,
    validator: root ? new Validator(root) : undefined,
  };
  if (!byPath) cache.set(schema, byPath = new Map());
  byPath.set(path, result);
  return result;
}

/**
 * Compiles rules attached to a whole kind (`Kind.validations`): `self` is
 * the object, typed by `schema` when given (else dynamic).
 *
 * @example
 * ```ts
 * import { compileKindRules } from "./compile.ts";
 * import assert from "node:assert/strict";
 * const { validator } = compileKindRules([{ rule: "self.spec.a < self.spec.b" }]);
 * assert.equal(validator!.validate({ spec: { a: 2, b: 1 } })[0].detail, "failed rule: self.spec.a < self.spec.b");
 * ```
 */
export function compileKindRules(
  rules: readonly ValidationRule[],
  schema?: Schema,
  path = "",
): CompileResult {
  // Without a schema the node has no type: `self` is dynamic.
  const s: Schema = { ...(schema ?? {}), "x-kubernetes-validations": [...rules] };
  return compile(s, path, !schema);
}
