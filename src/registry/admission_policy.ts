/**
 * The ValidatingAdmissionPolicy admission plugin, as kube-apiserver's
 * `k8s.io/apiserver/pkg/admission/plugin/policy/validating` (dispatcher.go,
 * validator.go), `policy/generic` (policy_source.go, policy_dispatcher.go's
 * `CollectParams`), `policy/matching` and `webhook/predicates`: matching of
 * policies and bindings, params, match conditions, variables, validations,
 * audit annotations, validation actions and failure policies, with kube's
 * messages.
 *
 * Differences from kube: no `authorizer` variable; no runtime cost budget;
 * `request` always carries every field (Go zero values); policies are
 * evaluated in the order given (kube: map order); audit events are returned
 * (`auditAnnotations`, `validationFailures`) rather than written.
 *
 * @module
 */
import type { Environment } from "@marcbachmann/cel-js";
import { ApiError, qualifiedResource } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { labelSelectorAsSelector, type Selector } from "../apimachinery/labels.ts";
import { toCel } from "../cel/schema_types.ts";
import { runtimeMessage } from "../cel/issues.ts";
import type {
  LabelSelector,
  MatchResources,
  NamedRuleWithOperations,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "../resources/admissionregistration_v1.ts";
import {
  type CompiledExpression,
  compilePolicyExpression,
  compileVariables,
  policyEnvironment,
  variablesClass,
} from "../resources/admissionregistration_v1_validation.ts";

/** A group/version/kind. */
export interface GVK {
  /** API group ("" for core). */
  group: string;
  /** Version. */
  version: string;
  /** Kind. */
  kind: string;
}

/** A group/version/resource. */
export interface GVR {
  /** API group ("" for core). */
  group: string;
  /** Version. */
  version: string;
  /** Plural resource. */
  resource: string;
}

/** One admission request, as `admission.Attributes`. */
export interface AdmissionRequestInfo {
  /** The operation. */
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  /** Kind of the request's object. */
  kind: GVK;
  /** Resource of the request. */
  resource: GVR;
  /** Subresource, e.g. `status`. */
  subResource?: string;
  /** Object name (may be "" on create with generateName). */
  name: string;
  /** Namespace; for a Namespace object, its own name (as kube). */
  namespace?: string;
  /** The new object (absent on DELETE). */
  object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KubeObject;
  /** Whether the request is a dry run. */
  dryRun: boolean;
  /** Who asks. */
  userInfo: { username: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };
  /** The operation's options (CreateOptions, UpdateOptions, DeleteOptions). */
  options?: unknown;
}

/** How a binding's paramRef selects parameters. */
export type ParamSelection = { name: string } | { selector: LabelSelector };

/** What the evaluator reads from the cluster. */
export interface PolicyState {
  /** Every ValidatingAdmissionPolicy. */
  policies: readonly ValidatingAdmissionPolicy[];
  /** Every ValidatingAdmissionPolicyBinding. */
  bindings: readonly ValidatingAdmissionPolicyBinding[];
  /** Scope of a param kind, undefined when the kind is not served. */
  paramScope(apiVersion: string, kind: string): "Namespaced" | "Cluster" | undefined;
  /** Parameter objects: one by name (empty when absent) or all matching a selector. */
  params(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    sel: ParamSelection,
  ): KubeObject[];
  /** A Namespace object by name. */
  namespace(name: string): KubeObject | undefined;
  /**
   * For `matchPolicy: Equivalent`: other resources serving the same objects
   * (other versions of a kind), with their kind.
   */
  equivalents?(resource: GVR, subResource: string): { resource: GVR; kind: GVK }[];
  /** Converts an object to another version of its kind (for an equivalent match). */
  convert?(obj: KubeObject, apiVersion: string): KubeObject;
}

/** One validation failure with the `Audit` action (kube's audit annotation value). */
export interface ValidationFailure {
  /** The failure message. */
  message: string;
  /** Policy name. */
  policy: string;
  /** Binding name. */
  binding: string;
  /** Index of the validation. */
  expressionIndex: number;
  /** The binding's actions. */
  validationActions: string[];
}

/** The outcome of {@linkcode PolicyEvaluator.evaluate}. */
export interface PolicyResult {
  /** Set when the request is refused. */
  denied?: ApiError;
  /** Warnings (`Warn` action). */
  warnings: string[];
  /** Audit annotations (`<policy>/<key>` → value, and kube's validation_failure key). */
  auditAnnotations: Record<string, string>;
  /** Failures with the `Audit` action. */
  validationFailures: ValidationFailure[];
}

interface CompiledPolicy {
  hasParams: boolean;
  env: Environment;
  variables: (CompiledExpression & { name: string })[];
  matchConditions: (CompiledExpression & { name: string })[];
  validations: CompiledExpression[];
  messages: (CompiledExpression | undefined)[];
  audits: (CompiledExpression & { key: string })[];
}

interface Decision {
  deny: boolean;
  message: string;
  reason?: string;
}

const REASON_CODES: Record<string, number> = {
  Forbidden: 403,
  Unauthorized: 401,
  RequestEntityTooLarge: 413,
  Invalid: 422,
};

const EXCLUDED = new Set([
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "mutatingadmissionpolicies",
  "mutatingadmissionpolicybindings",
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
]);

class CelEvalError extends Error {}

function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(", ")}]`;
}

function exact(items: readonly string[] | undefined, v: string): boolean {
  return (items ?? []).some((i) => i === "*" || i === v);
}

function ruleMatches(
  r: NamedRuleWithOperations,
  req: AdmissionRequestInfo,
  resource: GVR,
): boolean {
  const ns = req.namespace ?? "";
  const isNsResource = resource.group === "" && resource.version === "v1" &&
    resource.resource === "namespaces";
  const scope = r.scope ?? "*";
  if (scope === "Namespaced" && (isNsResource || ns === "")) return false;
  if (scope === "Cluster" && !(isNsResource || ns === "")) return false;
  if (scope !== "*" && scope !== "Namespaced" && scope !== "Cluster") return false;
  if (!(r.operations ?? []).some((o) => o === "*" || o === req.operation)) return false;
  if (!exact(r.apiGroups, resource.group) || !exact(r.apiVersions, resource.version)) return false;
  const sub = req.subResource ?? "";
  return (r.resources ?? []).some((rs) => {
    const i = rs.indexOf("/");
    const res = i < 0 ? rs : rs.slice(0, i), s = i < 0 ? "" : rs.slice(i + 1);
    return (res === "*" || res === resource.resource) && (s === "*" || s === sub);
  });
}

type MatchOutcome = { matches: false; error?: string } | {
  matches: true;
  resource: GVR;
  kind: GVK;
};

function selectorOf(ls: LabelSelector): Selector {
  return labelSelectorAsSelector(ls as Parameters<typeof labelSelectorAsSelector>[0]);
}

function labelsOf(o: KubeObject | undefined): Record<string, string> | undefined {
  return o?.metadata?.labels;
}

function matchRules(
  rules: readonly NamedRuleWithOperations[],
  policy: string | undefined,
  req: AdmissionRequestInfo,
  state: PolicyState,
): { resource: GVR; kind: GVK } | undefined | { error: string } {
  const named = (r: NamedRuleWithOperations) =>
    !r.resourceNames?.length || r.resourceNames.includes(req.name);
  for (const r of rules) {
    if (ruleMatches(r, req, req.resource) && named(r)) {
      return { resource: req.resource, kind: req.kind };
    }
  }
  if (policy !== "Equivalent") return undefined;
  const eqs = state.equivalents?.(req.resource, req.subResource ?? "") ?? [];
  for (const r of rules) {
    for (const eq of eqs) {
      const same = eq.resource.group === req.resource.group &&
        eq.resource.version === req.resource.version &&
        eq.resource.resource === req.resource.resource;
      if (same || !ruleMatches(r, req, eq.resource)) continue;
      if (named(r)) return eq;
    }
  }
  return undefined;
}

function matches(
  m: MatchResources,
  req: AdmissionRequestInfo,
  state: PolicyState,
): MatchOutcome {
  // Namespace selector (webhook/predicates/namespace).
  let nsError: string | undefined;
  let nsMatch = true;
  const ns = req.namespace ?? "";
  if (ns !== "" || req.resource.resource === "namespaces") {
    try {
      const sel = selectorOf(m.namespaceSelector ?? {});
      if (!sel.empty()) {
        let labels: Record<string, string> | undefined;
        if (
          req.resource.resource === "namespaces" && !req.subResource &&
          (req.operation === "CREATE" || req.operation === "UPDATE")
        ) {
          labels = labelsOf(req.object);
        } else {
          const nsObj = state.namespace(ns);
          if (!nsObj) nsError = `namespaces "${ns}" not found`;
          else labels = labelsOf(nsObj);
        }
        if (!nsError) nsMatch = sel.matches(labels);
        else nsMatch = false;
      }
    } catch (e) {
      nsError = `Internal error occurred: ${(e as Error).message}`;
      nsMatch = false;
    }
  }
  if (!nsMatch && !nsError) return { matches: false };
  // Object selector (webhook/predicates/object).
  let objError: string | undefined;
  let objMatch = true;
  try {
    const sel = selectorOf(m.objectSelector ?? {});
    if (!sel.empty()) {
      objMatch = (req.object !== undefined && sel.matches(labelsOf(req.object))) ||
        (req.oldObject !== undefined && sel.matches(labelsOf(req.oldObject)));
    }
  } catch (e) {
    objError = `Internal error occurred: ${(e as Error).message}`;
    objMatch = false;
  }
  if (!objMatch && !objError) return { matches: false };
  const excluded = matchRules(m.excludeResourceRules ?? [], m.matchPolicy, req, state);
  if (excluded) {
    return "error" in excluded ? { matches: false, error: excluded.error } : { matches: false };
  }
  let hit: { resource: GVR; kind: GVK } | undefined;
  if (!m.resourceRules?.length) hit = { resource: req.resource, kind: req.kind };
  else {
    const r = matchRules(m.resourceRules, m.matchPolicy, req, state);
    if (r && "error" in r) return { matches: false, error: r.error };
    hit = r;
  }
  if (!hit) return { matches: false };
  if (nsError) return { matches: false, error: nsError };
  if (objError) return { matches: false, error: objError };
  return { matches: true, ...hit };
}

function celValue(v: unknown): unknown {
  return v === undefined ? null : toCel(v, undefined);
}

function namespaceValue(ns: KubeObject | undefined): unknown {
  if (!ns) return null;
  const m = ns.metadata ?? {};
  const n = ns as KubeObject & { spec?: any; status?: any };
  return {
    metadata: {
      name: m.name ?? "",
      generateName: m.generateName ?? "",
      namespace: m.namespace ?? "",
      labels: m.labels ?? {},
      annotations: m.annotations ?? {},
      UID: m.uid ?? "",
      creationTimestamp: m.creationTimestamp ?? null,
      deletionGracePeriodSeconds: BigInt(m.deletionGracePeriodSeconds ?? 0),
      deletionTimestamp: m.deletionTimestamp ?? null,
      generation: BigInt(m.generation ?? 0),
      resourceVersion: m.resourceVersion ?? "",
      finalizers: m.finalizers ?? [],
    },
    spec: { finalizers: n.spec?.finalizers ?? [] },
    status: { conditions: celValue(n.status?.conditions ?? []), phase: n.status?.phase ?? "" },
  };
}

/**
 * Evaluates ValidatingAdmissionPolicies against admission requests. Policies
 * are compiled once per uid and generation.
 *
 * @example
 * ```ts
 * import { PolicyEvaluator } from "./admission_policy.ts";
 * import assert from "node:assert/strict";
 * const ev = new PolicyEvaluator();
 * const r = ev.evaluate({
 *   operation: "CREATE", kind: { group: "", version: "v1", kind: "ConfigMap" },
 *   resource: { group: "", version: "v1", resource: "configmaps" }, name: "c", namespace: "default",
 *   object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, dryRun: false,
 *   userInfo: { username: "alice", groups: [] },
 * }, {
 *   policies: [{ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy",
 *     metadata: { name: "p", uid: "1", generation: 1 },
 *     spec: { failurePolicy: "Fail", matchConstraints: { matchPolicy: "Equivalent", namespaceSelector: {},
 *       objectSelector: {}, resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"],
 *       resources: ["configmaps"] }] }, validations: [{ expression: "has(object.data)" }] } }],
 *   bindings: [{ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding",
 *     metadata: { name: "b" }, spec: { policyName: "p", validationActions: ["Deny"] } }],
 *   paramScope: () => undefined, params: () => [],
 *   namespace: (n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n } }),
 * });
 * assert.equal(r.denied?.message, 'configmaps "c" is forbidden: ValidatingAdmissionPolicy ' +
 *   "'p' with binding 'b' denied request: failed expression: has(object.data)");
 * assert.equal(r.denied?.code, 422);
 * ```
 */
export class PolicyEvaluator {
  #cache = new Map<string, CompiledPolicy>();

  /** Creates an evaluator with an empty compile cache. */
  constructor() {}

  #compile(p: ValidatingAdmissionPolicy): CompiledPolicy {
    const key = p.metadata?.uid
      ? `${p.metadata.uid}/${p.metadata.generation ?? 0}`
      : JSON.stringify([p.metadata?.name, p.spec]);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const spec = p.spec ?? {};
    const hasParams = !!spec.paramKind;
    const { compiled: variables, decls } = compileVariables(spec.variables ?? [], hasParams);
    const env = policyEnvironment({ hasParams, variables: decls });
    // Programs run with the final `variables` type (each was checked against the earlier ones).
    for (const v of variables) if (v.program) v.program = env.parse(v.expression) as any;
    const c: CompiledPolicy = {
      hasParams,
      env,
      variables,
      matchConditions: (spec.matchConditions ?? []).map((m) => ({
        ...compilePolicyExpression(env, m.expression ?? "", ["bool"]),
        name: m.name,
      })),
      validations: (spec.validations ?? []).map((v) =>
        compilePolicyExpression(env, v.expression ?? "", ["bool"])
      ),
      messages: (spec.validations ?? []).map((v) =>
        v.messageExpression
          ? compilePolicyExpression(env, v.messageExpression, ["string"])
          : undefined
      ),
      audits: (spec.auditAnnotations ?? []).map((a) => ({
        ...compilePolicyExpression(env, a.valueExpression ?? "", ["string", "null"]),
        key: a.key,
      })),
    };
    if (this.#cache.size > 1024) this.#cache.clear();
    this.#cache.set(key, c);
    return c;
  }

  /**
   * Runs every policy bound to the request. Call it after mutating admission
   * and after the object's own validation, before storage (kube's validating
   * admission phase).
   */
  evaluate(req: AdmissionRequestInfo, state: PolicyState): PolicyResult {
    const result: PolicyResult = {
      warnings: [],
      auditAnnotations: {},
      validationFailures: [],
    };
    if (
      req.resource.group === "admissionregistration.k8s.io" && EXCLUDED.has(req.resource.resource)
    ) {
      return result;
    }
    const denied: { policy: string; binding?: string; decision: Decision }[] = [];
    const byPolicy = new Map<string, ValidatingAdmissionPolicyBinding[]>();
    for (const b of state.bindings) {
      const name = b.spec?.policyName ?? "";
      if (!byPolicy.has(name)) byPolicy.set(name, []);
      byPolicy.get(name)!.push(b);
    }
    for (const policy of state.policies) {
      const pname = policy.metadata?.name ?? "";
      const bindings = byPolicy.get(pname);
      if (!bindings) continue;
      const spec = policy.spec ?? {};
      const failurePolicy = spec.failurePolicy ?? "Fail";
      const configError = (msg: string, binding?: string) => {
        if (failurePolicy === "Ignore") return;
        const message = failurePolicy === "Fail"
          ? `failed to configure ${binding === undefined ? "policy" : "binding"}: ${msg}`
          : `unrecognized failure policy: '${failurePolicy}'`;
        denied.push({ policy: pname, binding, decision: { deny: true, message } });
      };
      // DefinitionMatches (generic/policy_matcher.go).
      const mc = spec.matchConstraints;
      let def: MatchOutcome;
      if (!mc) {
        def = { matches: false, error: "policy contained no match constraints, a required field" };
      } else if (!mc.namespaceSelector) {
        def = {
          matches: false,
          error:
            "a nil namespace selector was passed, please ensure selectors are initialized properly",
        };
      } else if (!mc.objectSelector) {
        def = {
          matches: false,
          error:
            "a nil object selector was passed, please ensure selectors are initialized properly",
        };
      } else def = matches(mc, req, state);
      if (!def.matches) {
        if (def.error) configError(def.error);
        continue;
      }
      let paramScope: "Namespaced" | "Cluster" | undefined;
      if (spec.paramKind) {
        paramScope = state.paramScope(spec.paramKind.apiVersion ?? "", spec.paramKind.kind ?? "");
        if (!paramScope) {
          const av = spec.paramKind.apiVersion ?? "";
          const i = av.indexOf("/");
          const g = i < 0 ? "" : av.slice(0, i), v = i < 0 ? av : av.slice(i + 1);
          configError(
            `failed to find resource referenced by paramKind: '${g}/${v}, Kind=${spec.paramKind.kind}'`,
          );
          continue;
        }
      }
      const compiled = this.#compile(policy);
      const audits = new Map<string, string[]>();
      for (const binding of bindings) {
        const bname = binding.metadata?.name ?? "";
        const mr = binding.spec?.matchResources;
        if (mr) {
          let bm: MatchOutcome;
          if (!mr.namespaceSelector) {
            bm = {
              matches: false,
              error:
                "a nil namespace selector was passed, please ensure selectors are initialized properly",
            };
          } else if (!mr.objectSelector) {
            bm = {
              matches: false,
              error:
                "a nil object selector was passed, please ensure selectors are initialized properly",
            };
          } else bm = matches(mr, req, state);
          if (!bm.matches) {
            if (bm.error) configError(bm.error, bname);
            continue;
          }
        }
        // CollectParams (generic/policy_dispatcher.go).
        let params: (KubeObject | null)[];
        const ref = binding.spec?.paramRef;
        if (!spec.paramKind || !ref) params = [null];
        else {
          let pns: string | undefined;
          if (paramScope === "Namespaced") {
            pns = ref.namespace || req.namespace || "";
            if (!pns) {
              configError(
                "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources",
                bname,
              );
              continue;
            }
          } else if (ref.namespace) {
            configError(
              "paramRef.namespace must not be provided for a cluster-scoped `paramKind`",
              bname,
            );
            continue;
          }
          const av = spec.paramKind.apiVersion ?? "", k = spec.paramKind.kind ?? "";
          if (ref.name) {
            if (ref.selector) {
              configError("paramRef.name and paramRef.selector are mutually exclusive", bname);
              continue;
            }
            params = state.params(av, k, pns, { name: ref.name });
          } else if (ref.selector) {
            try {
              selectorOf(ref.selector);
            } catch (e) {
              configError((e as Error).message, bname);
              continue;
            }
            params = state.params(av, k, pns, { selector: ref.selector });
          } else {
            configError("one of name or selector must be provided", bname);
            continue;
          }
          if (params.length === 0 && ref.parameterNotFoundAction === "Deny") {
            configError(
              "no params found for policy binding with `Deny` parameterNotFoundAction",
              bname,
            );
            continue;
          }
        }
        // The namespace object (not for Namespace requests themselves).
        let nsName = req.namespace ?? "";
        if (req.kind.group === "" && req.kind.version === "v1" && req.kind.kind === "Namespace") {
          nsName = "";
        }
        let nsObj: KubeObject | undefined;
        if (nsName) {
          nsObj = state.namespace(nsName);
          if (!nsObj) {
            result.denied = ApiError.notFound({ resource: "namespaces", name: nsName });
            return result;
          }
        }
        const actions = binding.spec?.validationActions ?? [];
        for (const param of params) {
          const out = this.#validate(
            compiled,
            failurePolicy,
            policy,
            req,
            def,
            param,
            nsObj,
            state,
          );
          out.decisions.forEach((d, i) => {
            if (!d.deny) return;
            for (const a of actions) {
              if (a === "Deny") denied.push({ policy: pname, binding: bname, decision: d });
              else if (a === "Audit") {
                result.validationFailures.push({
                  message: d.message,
                  policy: binding.spec?.policyName ?? "",
                  binding: bname,
                  expressionIndex: i,
                  validationActions: [...actions],
                });
              } else if (a === "Warn") {
                result.warnings.push(
                  `Validation failed for ValidatingAdmissionPolicy '${pname}' with binding '${bname}': ${d.message}`,
                );
              }
            }
          });
          for (const a of out.audits) {
            if ("error" in a) {
              denied.push({
                policy: pname,
                binding: bname,
                decision: { deny: true, message: a.error },
              });
            } else {
              const list = audits.get(a.key) ?? [];
              if (!list.includes(a.value)) list.push(a.value);
              audits.set(a.key, list);
            }
          }
        }
      }
      for (const [k, vs] of audits) result.auditAnnotations[`${pname}/${k}`] = vs.join(", ");
    }
    if (result.validationFailures.length > 0) {
      result.auditAnnotations["validation.policy.admission.k8s.io/validation_failure"] = JSON
        .stringify(result.validationFailures.slice(0, 50));
    }
    if (denied.length > 0) {
      const d = denied[0];
      const message = d.binding !== undefined
        ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.decision.message}`
        : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.decision.message}`;
      // admission.NewForbidden: the name comes from the object ("Unknown" without one).
      const m = req.object?.metadata;
      const name = m?.name || m?.generateName || "Unknown";
      const reason = d.decision.reason || "Invalid";
      const qr = qualifiedResource({ group: req.resource.group, resource: req.resource.resource });
      result.denied = ApiError.of(
        REASON_CODES[reason] ?? 422,
        reason as any,
        `${qr} "${name}" is forbidden: ${message}`,
        { name, group: req.resource.group, kind: req.resource.resource, causes: [{ message }] },
      );
    }
    return result;
  }

  #validate(
    c: CompiledPolicy,
    failurePolicy: string,
    policy: ValidatingAdmissionPolicy,
    req: AdmissionRequestInfo,
    match: { resource: GVR; kind: GVK },
    param: KubeObject | null,
    nsObj: KubeObject | undefined,
    state: PolicyState,
  ): {
    decisions: Decision[];
    audits: ({ key: string; value: string } | { key: string; error: string })[];
  } {
    const fail = failurePolicy !== "Ignore";
    // The object in the matched version (admission.NewVersionedAttributes).
    const apiVersion = match.kind.group
      ? `${match.kind.group}/${match.kind.version}`
      : match.kind.version;
    const convert = (o: KubeObject | undefined) =>
      o && state.convert && o.apiVersion !== apiVersion ? state.convert(o, apiVersion) : o;
    const ctx = this.#activation(c, req, match, param, nsObj, convert);
    // Match conditions (webhook/matchconditions/matcher.go).
    if (c.matchConditions.length > 0) {
      const errors: string[] = [];
      for (const m of c.matchConditions) {
        const r = run(m, ctx);
        if ("error" in r) errors.push(r.error);
        else if (r.value === false) return { decisions: [], audits: [] };
      }
      if (errors.length > 0) {
        return fail
          ? { decisions: [{ deny: true, message: aggregate(errors) }], audits: [] }
          : { decisions: [], audits: [] };
      }
    }
    const decisions: Decision[] = [];
    const vctx = this.#activation(c, req, match, param, nsObj, convert);
    const mctx = this.#activation(c, req, match, param, nsObj, convert);
    (policy.spec?.validations ?? []).forEach((v, i) => {
      const r = run(c.validations[i], vctx);
      if ("error" in r) {
        decisions.push({ deny: fail, message: r.error });
        return;
      }
      if (r.value === true) {
        decisions.push({ deny: false, message: "" });
        return;
      }
      let message = "";
      const me = c.messages[i];
      if (me) {
        const m = run(me, mctx);
        if (!("error" in m) && typeof m.value === "string") {
          message = m.value.trim();
          if (message.length > 5120 || message.includes("\n")) message = "";
        }
      }
      if (!message && v.message) message = v.message.trim();
      if (!message) message = `failed expression: ${(v.expression ?? "").trim()}`;
      decisions.push({ deny: true, message, reason: v.reason || "Invalid" });
    });
    const audits: ({ key: string; value: string } | { key: string; error: string })[] = [];
    const actx = this.#activation(c, req, match, param, nsObj, convert);
    for (const a of c.audits) {
      const r = run(a, actx);
      if ("error" in r) {
        if (fail) audits.push({ key: a.key, error: r.error });
      } else if (typeof r.value === "string") {
        const v = r.value.trim();
        if (v) audits.push({ key: a.key, value: v.slice(0, 10 * 1024) });
      } else if (r.value !== null) {
        audits.push({
          key: a.key,
          error: `valueExpression '${a.expression}' resulted in unsupported return type: ${
            celTypeName(r.value)
          }. Return type must be either string or null.`,
        });
      }
    }
    return { decisions, audits };
  }

  #activation(
    c: CompiledPolicy,
    req: AdmissionRequestInfo,
    match: { resource: GVR; kind: GVK },
    param: KubeObject | null,
    nsObj: KubeObject | undefined,
    convert: (o: KubeObject | undefined) => KubeObject | undefined,
  ): Record<string, unknown> {
    const ctx: Record<string, unknown> = {
      object: celValue(convert(req.object)),
      oldObject: celValue(convert(req.oldObject)),
      request: {
        kind: match.kind,
        resource: match.resource,
        subResource: req.subResource ?? "",
        requestKind: req.kind,
        requestResource: req.resource,
        requestSubResource: req.subResource ?? "",
        name: req.name,
        namespace: req.namespace ?? "",
        operation: req.operation,
        userInfo: {
          username: req.userInfo.username,
          uid: req.userInfo.uid ?? "",
          groups: req.userInfo.groups ?? [],
          extra: req.userInfo.extra ?? {},
        },
        dryRun: req.dryRun,
        options: celValue(req.options),
      },
      namespaceObject: namespaceValue(nsObj),
    };
    if (c.hasParams) ctx.params = param ? celValue(param) : null;
    const Vars = variablesClass(c.env);
    if (Vars) {
      const vars = new Vars();
      for (const v of c.variables) {
        let done = false, value: unknown, error: string | undefined;
        Object.defineProperty(vars, v.name, {
          enumerable: true,
          get() {
            if (!done) {
              done = true;
              if (v.error) {
                error = `composited variable "${v.name}" fails to compile: ${v.error}`;
              } else {
                try {
                  value = v.program!(ctx);
                } catch (e) {
                  error = e instanceof CelEvalError
                    ? e.message
                    : `composited variable "${v.name}" fails to evaluate: ${runtimeMessage(e)}`;
                }
              }
            }
            if (error !== undefined) throw new CelEvalError(error);
            return value;
          },
        });
      }
      ctx.variables = vars;
    }
    return ctx;
  }
}

function celTypeName(v: unknown): string {
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "double";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map || (v && typeof v === "object")) return "map";
  return typeof v;
}

function run(
  c: CompiledExpression,
  ctx: Record<string, unknown>,
): { value: unknown } | { error: string } {
  if (c.error) return { error: `compilation error: ${c.error}` };
  try {
    return { value: c.program!(ctx) };
  } catch (e) {
    const msg = e instanceof CelEvalError ? e.message : runtimeMessage(e);
    return { error: `expression '${c.expression}' resulted in error: ${msg}` };
  }
}
