/**
 * Static validation of ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding (kube's `ValidateValidatingAdmissionPolicy`
 * and `ValidateValidatingAdmissionPolicyBinding` of
 * `pkg/apis/admissionregistration/validation`), and the CEL environment both
 * the validation and the admission evaluator compile expressions in (kube's
 * `k8s.io/apiserver/pkg/admission/plugin/cel`).
 *
 * Metadata is validated by the registry; these functions check the spec.
 *
 * @module
 */
import type { Environment } from "@marcbachmann/cel-js";
import { field, type FieldError } from "../apimachinery/errors.ts";
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  validateLabels,
} from "../apimachinery/validation.ts";
import { kubeBaseEnvironment } from "../cel/libraries.ts";
import { CEL_RESERVED_WORDS } from "../cel/schema_types.ts";
import { formatIssue } from "../cel/issues.ts";
import type {
  LabelSelector,
  MatchResources,
  NamedRuleWithOperations,
  ParamRef,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "./admissionregistration_v1.ts";

// ---------------------------------------------------------------- CEL environment

/** Which optional variables an expression may use (kube's `OptionalVariableDeclarations`). */
export interface PolicyCelOptions {
  /** Whether `params` is declared (the policy has a paramKind). */
  hasParams: boolean;
  /**
   * The variables declared before this expression, name and CEL type (e.g.
   * `int`, `dyn`); undefined when `variables` is not declared at all.
   */
  variables?: readonly (readonly [string, string])[];
}

/** A compiled expression: a program, its CEL type, or kube's error detail. */
export interface CompiledExpression {
  /** The expression text. */
  expression: string;
  /** The program (absent on error). */
  program?: (ctx: Record<string, unknown>) => unknown;
  /** The output type in cel-js notation (`bool`, `list<int>`). */
  type?: string;
  /** kube's `cel.Error` detail, e.g. `compilation failed: ERROR: <input>:1:1: ...`. */
  error?: string;
}

const envCache = new Map<string, Environment>();

class VariablesBase {}
const varsCtors = new WeakMap<Environment, new () => object>();

const REQUEST_SCHEMA = {
  kind: { group: "string", version: "string", kind: "string" },
  resource: { group: "string", version: "string", resource: "string" },
  subResource: "string",
  requestKind: { group: "string", version: "string", kind: "string" },
  requestResource: { group: "string", version: "string", resource: "string" },
  requestSubResource: "string",
  name: "string",
  namespace: "string",
  operation: "string",
  userInfo: {
    username: "string",
    uid: "string",
    groups: "list<string>",
    extra: "map<string, list<string>>",
  },
  dryRun: "bool",
  options: "dyn",
};

const NAMESPACE_SCHEMA = {
  metadata: {
    name: "string",
    generateName: "string",
    namespace: "string",
    labels: "map<string, string>",
    annotations: "map<string, string>",
    UID: "string",
    creationTimestamp: "dyn",
    deletionGracePeriodSeconds: "int",
    deletionTimestamp: "dyn",
    generation: "int",
    resourceVersion: "string",
    finalizers: "list<string>",
  },
  spec: { finalizers: "list<string>" },
  status: {
    conditions: "list<dyn>",
    phase: "string",
  },
};

/**
 * The CEL environment of admission policy expressions: `object`,
 * `oldObject` (dyn), `request` (typed as kube's `kubernetes.AdmissionRequest`),
 * `namespaceObject` (typed as kube's `kubernetes.Namespace`), `params` (dyn)
 * when `hasParams`, and `variables` with the declared variables as fields.
 * `authorizer` is not declared (k1s has no authorizer).
 *
 * @example
 * ```ts
 * import { policyEnvironment } from "./admissionregistration_v1_validation.ts";
 * import assert from "node:assert/strict";
 * const env = policyEnvironment({ hasParams: true, variables: [["n", "int"]] });
 * assert.equal(env.check("variables.n > 1 && params.x == object.y").valid, true);
 * assert.equal(env.check("request.foo").valid, false);
 * ```
 */
export function policyEnvironment(opts: PolicyCelOptions): Environment {
  const key = JSON.stringify([opts.hasParams, opts.variables ?? null]);
  const hit = envCache.get(key);
  if (hit) return hit;
  const env = kubeBaseEnvironment().clone();
  env.registerVariable("object", "dyn");
  env.registerVariable("oldObject", "dyn");
  env.registerVariable({ name: "request", schema: REQUEST_SCHEMA } as any);
  env.registerVariable({ name: "namespaceObject", schema: NAMESPACE_SCHEMA } as any);
  if (opts.hasParams) env.registerVariable("params", "dyn");
  if (opts.variables) {
    const fields: Record<string, string> = {};
    for (const [n, t] of opts.variables) fields[n] = t;
    // A fresh class per environment: cel-js keys custom types by constructor.
    const Vars = class extends VariablesBase {};
    env.registerType("kubernetes.variables", { ctor: Vars, fields } as any);
    env.registerVariable("variables", "kubernetes.variables");
    varsCtors.set(env, Vars);
  }
  if (envCache.size > 256) envCache.clear();
  envCache.set(key, env);
  return env;
}

/**
 * The class `variables` values must be instances of in an environment made
 * by {@linkcode policyEnvironment} (undefined when it declares no variables).
 *
 * @example
 * ```ts
 * import { policyEnvironment, variablesClass } from "./admissionregistration_v1_validation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(variablesClass(policyEnvironment({ hasParams: false })), undefined);
 * assert.ok(variablesClass(policyEnvironment({ hasParams: false, variables: [] })));
 * ```
 */
export function variablesClass(env: Environment): (new () => object) | undefined {
  return varsCtors.get(env);
}

/** cel-go's spelling of a type: `list(int)`, `map(string, dyn)`. */
export function celGoType(t: string): string {
  return t.trim().replace(/</g, "(").replace(/>/g, ")");
}

/**
 * Compiles an expression as kube's `CompileCELExpression`: a parse or type
 * error gives `compilation failed: <cel-go issues>`, a wrong result type
 * `must evaluate to bool but got int` (`returns` empty: any type).
 *
 * @example
 * ```ts
 * import { compilePolicyExpression, policyEnvironment } from "./admissionregistration_v1_validation.ts";
 * import assert from "node:assert/strict";
 * const env = policyEnvironment({ hasParams: false });
 * assert.equal(compilePolicyExpression(env, "1 + 1", ["bool"]).error, "must evaluate to bool but got int");
 * assert.equal(compilePolicyExpression(env, "object.a == 1", ["bool"]).error, undefined);
 * ```
 */
export function compilePolicyExpression(
  env: Environment,
  expression: string,
  returns: readonly string[],
): CompiledExpression {
  let type: string;
  try {
    const c = env.check(expression) as any;
    if (!c.valid) {
      return { expression, error: `compilation failed: ${formatIssue(c.error, expression)}` };
    }
    type = String(c.type);
  } catch (e) {
    return { expression, error: `compilation failed: ${formatIssue(e, expression)}` };
  }
  if (returns.length > 0 && !returns.includes(type)) {
    const error = returns.length === 1
      ? `must evaluate to ${returns[0]} but got ${celGoType(type)}`
      : `must evaluate to one of [${returns.join(" ")}] but got ${celGoType(type)}`;
    return { expression, error, type };
  }
  return { expression, type, program: env.parse(expression) as any };
}

/**
 * Compiles a policy's variables in order (each sees the ones before it), as
 * kube's `CompileAndStoreVariables`; returns the compiled variables and the
 * declarations of all of them for the other expressions.
 *
 * @example
 * ```ts
 * import { compileVariables } from "./admissionregistration_v1_validation.ts";
 * import assert from "node:assert/strict";
 * const { decls } = compileVariables([{ name: "a", expression: "1" }, { name: "b", expression: "variables.a + 1" }], false);
 * assert.deepEqual(decls, [["a", "int"], ["b", "int"]]);
 * ```
 */
export function compileVariables(
  variables: readonly { name: string; expression: string }[],
  hasParams: boolean,
): { compiled: (CompiledExpression & { name: string })[]; decls: [string, string][] } {
  const decls: [string, string][] = [];
  const compiled: (CompiledExpression & { name: string })[] = [];
  for (const v of variables) {
    const env = policyEnvironment({ hasParams, variables: [...decls] });
    const c = compilePolicyExpression(env, v.expression ?? "", []);
    compiled.push({ ...c, name: v.name });
    decls.push([v.name, c.error ? "dyn" : (c.type ?? "dyn")]);
  }
  return { compiled, decls };
}

// ---------------------------------------------------------------- helpers

const SUPPORTED_FAILURE_POLICIES = ["Fail", "Ignore"];
const SUPPORTED_MATCH_POLICIES = ["Equivalent", "Exact"];
const SUPPORTED_OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const SUPPORTED_SCOPES = ["*", "Cluster", "Namespaced"];
const SUPPORTED_REASONS = ["Forbidden", "Invalid", "RequestEntityTooLarge"];
const VALIDATION_ACTIONS = ["Audit", "Deny", "Warn"];

function isCELIdentifier(name: string): boolean {
  return /^[_a-zA-Z][_a-zA-Z0-9]*$/.test(name) && !CEL_RESERVED_WORDS.has(name);
}

function pathSegmentNameErrors(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const out: string[] = [];
  for (const c of ["/", "%"]) if (name.includes(c)) out.push(`may not contain '${c}'`);
  return out;
}

/** kube's `metav1validation.ValidateLabelSelector` (strict label values). */
export function validateLabelSelector(sel: LabelSelector, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = r.values ?? [];
    switch (r.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push(field.required(
            `${p}.values`,
            "must be specified when `operator` is 'In' or 'NotIn'",
          ));
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          errs.push(field.forbidden(
            `${p}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ));
        }
        break;
      default:
        errs.push(field.invalid(`${p}.operator`, r.operator, "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(r.key ?? "")) {
      errs.push(field.invalid(`${p}.key`, r.key, msg));
    }
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(field.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  return errs;
}

function validateResources(resources: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(field.required(path, ""));
  const resWithWildSub = new Set<string>();
  const subWithWildRes = new Set<string>();
  let doubleWildcard = false, singleWildcard = false, withoutSub = false;
  resources.forEach((rs, i) => {
    if (rs === "") {
      errs.push(field.required(`${path}[${i}]`, ""));
      return;
    }
    if (rs === "*/*") doubleWildcard = true;
    if (rs === "*") singleWildcard = true;
    const k = rs.indexOf("/");
    if (k < 0) {
      withoutSub = rs !== "*";
      return;
    }
    const res = rs.slice(0, k), sub = rs.slice(k + 1);
    if (resWithWildSub.has(res)) {
      errs.push(
        field.invalid(`${path}[${i}]`, rs, `if '${res}/*' is present, must not specify ${rs}`),
      );
    }
    if (subWithWildRes.has(sub)) {
      errs.push(
        field.invalid(`${path}[${i}]`, rs, `if '*/${sub}' is present, must not specify ${rs}`),
      );
    }
    if (sub === "*") resWithWildSub.add(res);
    if (res === "*") subWithWildRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) {
    errs.push(
      field.invalid(path, resources, "if '*/*' is present, must not specify other resources"),
    );
  }
  if (singleWildcard && withoutSub) {
    errs.push(field.invalid(
      path,
      resources,
      "if '*' is present, must not specify other resources without subresources",
    ));
  }
  return errs;
}

function validateNamedRule(r: NamedRuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (r.resourceNames ?? []).forEach((n, i) => {
    for (const msg of pathSegmentNameErrors(n)) {
      errs.push(field.invalid(`${path}.resourceNames[${i}]`, n, msg));
    }
    if (names.has(n)) errs.push(field.duplicate(`${path}.resourceNames[${i}]`, n));
    else names.add(n);
  });
  const ops = r.operations ?? [];
  if (ops.length === 0) errs.push(field.required(`${path}.operations`, ""));
  if (ops.length > 1 && ops.includes("*")) {
    errs.push(field.invalid(
      `${path}.operations`,
      ops,
      "if '*' is present, must not specify other operations",
    ));
  }
  ops.forEach((o, i) => {
    if (!SUPPORTED_OPERATIONS.includes(o)) {
      errs.push(field.notSupported(`${path}.operations[${i}]`, o, SUPPORTED_OPERATIONS));
    }
  });
  const groups = r.apiGroups ?? [];
  if (groups.length === 0) errs.push(field.required(`${path}.apiGroups`, ""));
  if (groups.length > 1 && groups.includes("*")) {
    errs.push(field.invalid(
      `${path}.apiGroups`,
      groups,
      "if '*' is present, must not specify other API groups",
    ));
  }
  const versions = r.apiVersions ?? [];
  if (versions.length === 0) errs.push(field.required(`${path}.apiVersions`, ""));
  if (versions.length > 1 && versions.includes("*")) {
    errs.push(field.invalid(
      `${path}.apiVersions`,
      versions,
      "if '*' is present, must not specify other API versions",
    ));
  }
  versions.forEach((v, i) => {
    if (v === "") errs.push(field.required(`${path}.apiVersions[${i}]`, ""));
  });
  errs.push(...validateResources(r.resources ?? [], `${path}.resources`));
  if (r.scope !== undefined && r.scope !== null && !SUPPORTED_SCOPES.includes(r.scope)) {
    errs.push(field.notSupported(`${path}.scope`, r.scope, SUPPORTED_SCOPES));
  }
  return errs;
}

function validateMatchResources(mc: MatchResources | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!mc) return errs;
  if (mc.matchPolicy === undefined || mc.matchPolicy === null) {
    errs.push(field.required(`${path}.matchPolicy`, ""));
  } else if (!SUPPORTED_MATCH_POLICIES.includes(mc.matchPolicy)) {
    errs.push(field.notSupported(`${path}.matchPolicy`, mc.matchPolicy, SUPPORTED_MATCH_POLICIES));
  }
  if (!mc.namespaceSelector) errs.push(field.required(`${path}.namespaceSelector`, ""));
  else errs.push(...validateLabelSelector(mc.namespaceSelector, `${path}.namespaceSelector`));
  if (!mc.objectSelector) errs.push(field.required(`${path}.objectSelector`, ""));
  else errs.push(...validateLabelSelector(mc.objectSelector, `${path}.objectSelector`));
  (mc.resourceRules ?? []).forEach((r, i) => {
    errs.push(...validateNamedRule(r, `${path}.resourceRules[${i}]`));
  });
  (mc.excludeResourceRules ?? []).forEach((r, i) => {
    errs.push(...validateNamedRule(r, `${path}.excludeResourceRules[${i}]`));
  });
  return errs;
}

function parseGroupVersion(gv: string): { group: string; version: string } | string {
  if (gv === "" || gv === "/") return { group: "", version: "" };
  const n = gv.split("/").length - 1;
  if (n === 0) return { group: "", version: gv };
  if (n === 1) {
    const i = gv.indexOf("/");
    return { group: gv.slice(0, i), version: gv.slice(i + 1) };
  }
  return `unexpected GroupVersion string: ${gv}`;
}

function celError(path: string, expression: string, detail: string): FieldError {
  return field.invalid(path, expression, detail);
}

function hasNewlines(s: string): boolean {
  return /[\n\r]+/.test(s);
}

// ---------------------------------------------------------------- policy

/**
 * Validates a ValidatingAdmissionPolicy's spec as kube's
 * `ValidateValidatingAdmissionPolicy` (on update,
 * `ValidateValidatingAdmissionPolicyUpdate`: unchanged match conditions with
 * an unchanged paramKind are not re-checked). Metadata is not checked here.
 *
 * @example
 * ```ts
 * import { validateValidatingAdmissionPolicy } from "./admissionregistration_v1_validation.ts";
 * import { formatFieldError } from "../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateValidatingAdmissionPolicy({
 *   apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy",
 *   metadata: { name: "p" },
 *   spec: { failurePolicy: "Fail", validations: [{ expression: "1 +" }] },
 * });
 * assert.equal(formatFieldError(errs[0]), "spec.matchConstraints: Required value");
 * assert.match(formatFieldError(errs[1]), /^spec.validations\[0\].expression: Invalid value: "1 \+": compilation failed: ERROR: <input>:1:/);
 * ```
 */
export function validateValidatingAdmissionPolicy(
  p: ValidatingAdmissionPolicy,
  old?: ValidatingAdmissionPolicy,
): FieldError[] {
  const errs: FieldError[] = [];
  const spec = p.spec ?? {};
  const path = "spec";
  const hasParams = spec.paramKind !== undefined && spec.paramKind !== null;
  if (!spec.failurePolicy) errs.push(field.required(`${path}.failurePolicy`, ""));
  else if (!SUPPORTED_FAILURE_POLICIES.includes(spec.failurePolicy)) {
    errs.push(field.notSupported(
      `${path}.failurePolicy`,
      spec.failurePolicy,
      SUPPORTED_FAILURE_POLICIES,
    ));
  }
  if (hasParams) {
    const pk = spec.paramKind!;
    const pp = `${path}.paramKind`;
    if (!pk.apiVersion) errs.push(field.required(`${pp}.apiVersion`, ""));
    else {
      const gv = parseGroupVersion(pk.apiVersion);
      if (typeof gv === "string") errs.push(field.invalid(`${pp}.apiVersion`, pk.apiVersion, gv));
      else {
        if (gv.group) {
          const e = isDNS1123Subdomain(gv.group);
          if (e.length) errs.push(field.invalid(`${pp}.apiVersion`, gv.group, e.join(",")));
        }
        if (!gv.version) {
          errs.push(field.invalid(`${pp}.apiVersion`, pk.apiVersion, "version must be specified"));
        } else {
          const e = isDNS1035Label(gv.version);
          if (e.length) errs.push(field.invalid(`${pp}.apiVersion`, gv.version, e.join(",")));
        }
      }
    }
    if (!pk.kind) errs.push(field.required(`${pp}.kind`, ""));
    else {
      const e = isDNS1035Label(pk.kind.toLowerCase());
      if (e.length) {
        errs.push(field.invalid(
          `${pp}.kind`,
          pk.kind,
          "may have mixed case, but should otherwise match: " + e.join(","),
        ));
      }
    }
  }
  if (!spec.matchConstraints) errs.push(field.required(`${path}.matchConstraints`, ""));
  else {
    errs.push(...validateMatchResources(spec.matchConstraints, `${path}.matchConstraints`));
    if ((spec.matchConstraints.resourceRules ?? []).length === 0) {
      errs.push(field.required(`${path}.matchConstraints.resourceRules`, ""));
    }
  }
  const ignoreMatchConditions = old !== undefined &&
    JSON.stringify(old.spec?.paramKind ?? null) === JSON.stringify(spec.paramKind ?? null) &&
    JSON.stringify(old.spec?.matchConditions ?? null) ===
      JSON.stringify(spec.matchConditions ?? null);
  if (!ignoreMatchConditions) {
    const mcs = spec.matchConditions ?? [];
    if (mcs.length > 64) errs.push(field.tooMany(`${path}.matchConditions`, mcs.length, 64));
    const names = new Set<string>();
    // Match conditions are checked without variables (kube's stateless compiler).
    const env = policyEnvironment({ hasParams });
    mcs.forEach((mc, i) => {
      const mp = `${path}.matchConditions[${i}]`;
      const expr = (mc.expression ?? "").trim();
      if (!expr) errs.push(field.required(`${mp}.expression`, ""));
      else {
        const c = compilePolicyExpression(env, expr, ["bool"]);
        if (c.error) errs.push(celError(`${mp}.expression`, expr, c.error));
      }
      if (!mc.name) errs.push(field.required(`${mp}.name`, ""));
      else {
        for (const msg of isQualifiedName(mc.name)) {
          errs.push(field.invalid(`${mp}.name`, mc.name, msg));
        }
      }
      if (mc.name) {
        if (names.has(mc.name)) errs.push(field.duplicate(`${mp}.name`, mc.name));
        else names.add(mc.name);
      }
    });
  }
  const variables = spec.variables ?? [];
  const composition = variables.length > 0;
  const decls: [string, string][] = [];
  variables.forEach((v, i) => {
    const vp = `${path}.variables[${i}]`;
    if (!v.name || !v.name.trim()) errs.push(field.required(`${vp}.name`, "name is not specified"));
    else if (!isCELIdentifier(v.name)) {
      errs.push(field.invalid(`${vp}.name`, v.name, "name is not a valid CEL identifier"));
    }
    let type = "dyn";
    if (!v.expression || !v.expression.trim()) {
      errs.push(field.required(`${vp}.expression`, "expression is not specified"));
    } else {
      const c = compilePolicyExpression(
        policyEnvironment({ hasParams, variables: [...decls] }),
        v.expression,
        [],
      );
      if (c.error) errs.push(celError(`${vp}.expression`, v.expression, c.error));
      else type = c.type ?? "dyn";
    }
    decls.push([v.name, type]);
  });
  const env = policyEnvironment({ hasParams, variables: composition ? decls : undefined });
  const validations = spec.validations ?? [];
  const annotations = spec.auditAnnotations ?? [];
  if (validations.length === 0 && annotations.length === 0) {
    const msg = "validations or auditAnnotations must contain at least one item";
    errs.push(field.required(`${path}.validations`, msg));
    errs.push(field.required(`${path}.auditAnnotations`, msg));
  } else {
    validations.forEach((v, i) => {
      const vp = `${path}.validations[${i}]`;
      const expr = v.expression ?? "";
      if (!expr.trim()) {
        errs.push(field.required(`${vp}.expression`, "expression is not specified"));
      } else {
        const c = compilePolicyExpression(env, expr, ["bool"]);
        if (c.error) errs.push(celError(`${vp}.expression`, expr, c.error));
      }
      const me = v.messageExpression ?? "";
      if (me.length > 0 && !me.trim()) {
        errs.push(field.invalid(`${vp}.messageExpression`, me, "must be non-empty if specified"));
      } else if (me.trim()) {
        const c = compilePolicyExpression(env, me, ["string"]);
        if (c.error) errs.push(celError(`${vp}.messageExpression`, me, c.error));
      }
      const msg = v.message ?? "";
      if (msg.length > 0 && !msg.trim()) {
        errs.push(field.invalid(`${vp}.message`, msg, "message must be non-empty if specified"));
      } else if (hasNewlines(msg.trim())) {
        errs.push(field.invalid(`${vp}.message`, msg, "message must not contain line breaks"));
      }
      if (v.reason !== undefined && v.reason !== null && !SUPPORTED_REASONS.includes(v.reason)) {
        errs.push(field.notSupported(`${vp}.reason`, v.reason, SUPPORTED_REASONS));
      }
    });
    if (spec.auditAnnotations) {
      if (annotations.length > 20) {
        errs.push(field.invalid(
          `${path}.auditAnnotations`,
          annotations,
          "must not have more than 20 auditAnnotations",
        ));
      }
      const keys = new Set<string>();
      annotations.forEach((a, i) => {
        const ap = `${path}.auditAnnotations[${i}]`;
        const name = p.metadata?.name ?? "";
        if (name) {
          for (const msg of isQualifiedName(`${name}/${a.key}`)) {
            errs.push(field.invalid(`${ap}.key`, `${name}/${a.key}`, msg));
          }
        } else {
          errs.push(field.invalid(`${ap}.key`, a.key, "requires metadata.name be non-empty"));
        }
        const ve = (a.valueExpression ?? "").trim();
        if (!ve) {
          errs.push(field.required(`${ap}.valueExpression`, "valueExpression is not specified"));
        } else if (ve.length > 5 * 1024) {
          errs.push(field.required(
            `${ap}.valueExpression`,
            `must not exceed ${5 * 1024} bytes in length`,
          ));
        } else {
          const c = compilePolicyExpression(env, ve, ["string", "null"]);
          if (c.error) {
            errs.push(celError(
              `${ap}.valueExpression`,
              a.valueExpression,
              c.error.replace("[string null]", "[string null_type]"),
            ));
          }
        }
        if (keys.has(a.key)) errs.push(field.duplicate(`${ap}.key`, a.key));
        keys.add(a.key);
      });
    }
  }
  return errs;
}

// ---------------------------------------------------------------- binding

function validateParamRef(pr: ParamRef | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!pr) return errs;
  if (pr.name) {
    for (const msg of pathSegmentNameErrors(pr.name)) {
      errs.push(field.invalid(`${path}.name`, pr.name, msg));
    }
    if (pr.selector) {
      errs.push(field.forbidden(`${path}.name`, "name and selector are mutually exclusive"));
    }
  }
  if (pr.selector) {
    errs.push(...validateLabelSelector(pr.selector, `${path}.selector`));
    if (pr.name) {
      errs.push(field.forbidden(`${path}.selector`, "name and selector are mutually exclusive"));
    }
  }
  if (!pr.name && !pr.selector) {
    errs.push(field.required(path, "one of name or selector must be specified"));
  }
  if (!pr.parameterNotFoundAction) {
    errs.push(field.required(`${path}.parameterNotFoundAction`, ""));
  } else if (pr.parameterNotFoundAction !== "Deny" && pr.parameterNotFoundAction !== "Allow") {
    errs.push(field.notSupported(`${path}.parameterNotFoundAction`, pr.parameterNotFoundAction, [
      "Deny",
      "Allow",
    ]));
  }
  return errs;
}

/**
 * Validates a ValidatingAdmissionPolicyBinding's spec as kube's
 * `ValidateValidatingAdmissionPolicyBinding` (kube's path for the binding's
 * match resources is `spec.matchResouces`, misspelt; kept).
 *
 * @example
 * ```ts
 * import { validateValidatingAdmissionPolicyBinding } from "./admissionregistration_v1_validation.ts";
 * import { formatFieldError } from "../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateValidatingAdmissionPolicyBinding({
 *   apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding",
 *   metadata: { name: "b" }, spec: { policyName: "p", validationActions: ["Deny", "Warn"] },
 * });
 * assert.equal(
 *   formatFieldError(errs[0]),
 *   'spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn ' +
 *     "(repeating the same validation failure information in the API response and headers serves no purpose)",
 * );
 * ```
 */
export function validateValidatingAdmissionPolicyBinding(
  b: ValidatingAdmissionPolicyBinding,
): FieldError[] {
  const errs: FieldError[] = [];
  const spec = b.spec ?? {};
  if (!spec.policyName) errs.push(field.required("spec.policyName", ""));
  else {
    for (const msg of nameIsDNSSubdomain(spec.policyName)) {
      errs.push(field.invalid("spec.policyName", spec.policyName, msg));
    }
  }
  errs.push(...validateParamRef(spec.paramRef, "spec.paramRef"));
  errs.push(...validateMatchResources(spec.matchResources, "spec.matchResouces"));
  const va = spec.validationActions ?? [];
  const seen = new Set<string>();
  va.forEach((a, i) => {
    if (!VALIDATION_ACTIONS.includes(a)) {
      errs.push(field.notSupported(`spec.validationActions[${i}]`, a, VALIDATION_ACTIONS));
    }
    if (seen.has(a)) errs.push(field.duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
  });
  if (seen.has("Deny") && seen.has("Warn")) {
    errs.push(field.invalid(
      "spec.validationActions",
      va,
      "must not contain both Deny and Warn (repeating the same validation failure information " +
        "in the API response and headers serves no purpose)",
    ));
  }
  if (seen.size === 0) {
    errs.push(
      field.required("spec.validationActions", "at least one validation action is required"),
    );
  }
  return errs;
}
