/**
 * The built-in `admissionregistration.k8s.io/v1` kinds
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (GA in
 * Kubernetes 1.30), with kube's defaults (`SetDefaults_*` of
 * `pkg/apis/admissionregistration/v1`) and static validation
 * (`admissionregistration_v1_validation.ts`). The admission plugin that runs
 * the policies is `src/registry/admission_policy.ts`.
 *
 * @module
 */
import type { LabelSelectorObject } from "../apimachinery/labels.ts";
import type { PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { defineObjectKind, type Kind, type ObjectInput } from "../scheme/kind.ts";
import { type OpenAPISchema, openAPISchema } from "../scheme/openapi.ts";
import { admissionregistrationV1Docs as docs } from "./admissionregistration_v1_docs.ts";

type ValidationModule = typeof import("./admissionregistration_v1_validation.ts");
let validation: ValidationModule | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the validation of policies and bindings (it compiles CEL, whose
 * library a process that never writes a policy need not load). The registry
 * awaits it before writing either kind.
 */
function loadValidation(): Promise<void> {
  if (validation) return Promise.resolve();
  return loading ??= import("./admissionregistration_v1_validation.ts").then((m) => {
    validation = m;
  });
}

function loaded(): ValidationModule {
  if (!validation) {
    throw new Error("admissionregistration.k8s.io validation used before it was loaded");
  }
  return validation;
}

// ---------------------------------------------------------------- types

/** A label selector (`metav1.LabelSelector`); `{}` selects everything. */
export type LabelSelector = LabelSelectorObject;

/** The kind of a policy's parameter objects. */
export interface ParamKind {
  /** `group/version` of the parameter kind. */
  apiVersion?: string;
  /** Kind of the parameter objects. */
  kind?: string;
}

/** A resource rule with operations and optional resource names. */
export interface NamedRuleWithOperations {
  /** Object names the rule applies to; empty means all. */
  resourceNames?: string[];
  /** `CREATE`, `UPDATE`, `DELETE`, `CONNECT` or `*`. */
  operations?: string[];
  /** API groups; `*` for all. */
  apiGroups?: string[];
  /** API versions; `*` for all. */
  apiVersions?: string[];
  /** Resources: `pods`, `pods/status`, `*`, or `*` with a `/subresource`. */
  resources?: string[];
  /** `Cluster`, `Namespaced` or `*` (default). */
  scope?: string;
}

/** Which requests a policy (or binding) applies to. */
export interface MatchResources {
  /** Selects by the labels of the object's namespace; defaults to `{}`. */
  namespaceSelector?: LabelSelector;
  /** Selects by the labels of the object (or old object); defaults to `{}`. */
  objectSelector?: LabelSelector;
  /** Rules a request must match. */
  resourceRules?: NamedRuleWithOperations[];
  /** Rules that exclude requests. */
  excludeResourceRules?: NamedRuleWithOperations[];
  /** `Exact` or `Equivalent` (default). */
  matchPolicy?: string;
}

/** A CEL validation of a policy. */
export interface Validation {
  /** CEL expression that must be true. */
  expression: string;
  /** Static message when the expression is false. */
  message?: string;
  /** `Unauthorized`, `Forbidden`, `Invalid` (default) or `RequestEntityTooLarge`. */
  reason?: string;
  /** CEL expression that returns the message. */
  messageExpression?: string;
}

/** An audit annotation computed from a CEL expression. */
export interface AuditAnnotation {
  /** Annotation key (`<policy name>/<key>` in the audit event). */
  key: string;
  /** CEL expression returning a string or null. */
  valueExpression: string;
}

/** A CEL precondition; all must be true for the policy to be evaluated. */
export interface MatchCondition {
  /** Unique name of the condition. */
  name: string;
  /** CEL expression returning bool. */
  expression: string;
}

/** A named CEL expression available to other expressions as `variables.<name>`. */
export interface Variable {
  /** A CEL identifier. */
  name: string;
  /** The expression. */
  expression: string;
}

/** The spec of a ValidatingAdmissionPolicy. */
export interface ValidatingAdmissionPolicySpec {
  /** The kind of the parameter objects bindings refer to. */
  paramKind?: ParamKind;
  /** Which requests the policy applies to (required). */
  matchConstraints?: MatchResources;
  /** The validations. */
  validations?: Validation[];
  /** `Fail` (default) or `Ignore`: what evaluation errors do. */
  failurePolicy?: string;
  /** Audit annotations. */
  auditAnnotations?: AuditAnnotation[];
  /** Preconditions. */
  matchConditions?: MatchCondition[];
  /** Variables. */
  variables?: Variable[];
}

/** A warning of the type checker about one expression. */
export interface ExpressionWarning {
  /** Path of the expression, e.g. `spec.validations[0].expression`. */
  fieldRef: string;
  /** The warning. */
  warning: string;
}

/** The status of a ValidatingAdmissionPolicy. */
export interface ValidatingAdmissionPolicyStatus {
  /** The generation the status describes. */
  observedGeneration?: number;
  /** Type-checking results. */
  typeChecking?: { expressionWarnings?: ExpressionWarning[] };
  /** Conditions. */
  conditions?: {
    type: string;
    status: string;
    observedGeneration?: number;
    lastTransitionTime?: string;
    reason?: string;
    message?: string;
  }[];
}

/** A ValidatingAdmissionPolicy, as in admissionregistration.k8s.io/v1. */
export interface ValidatingAdmissionPolicy extends KubeObject {
  /** Desired behaviour. */
  spec?: ValidatingAdmissionPolicySpec;
  /** Observed state. */
  status?: ValidatingAdmissionPolicyStatus;
}

/** Which parameter objects a binding uses. */
export interface ParamRef {
  /** Name of one parameter object (exclusive with `selector`). */
  name?: string;
  /** Namespace of the parameters (namespaced paramKinds). */
  namespace?: string;
  /** Selects several parameter objects (exclusive with `name`). */
  selector?: LabelSelector;
  /** `Deny` (default) or `Allow` when no parameter is found. */
  parameterNotFoundAction?: string;
}

/** The spec of a ValidatingAdmissionPolicyBinding. */
export interface ValidatingAdmissionPolicyBindingSpec {
  /** The policy bound. */
  policyName?: string;
  /** The parameters. */
  paramRef?: ParamRef;
  /** Narrows the policy's match constraints. */
  matchResources?: MatchResources;
  /** `Deny`, `Warn` and/or `Audit`. */
  validationActions?: string[];
}

/** A ValidatingAdmissionPolicyBinding, as in admissionregistration.k8s.io/v1. */
export interface ValidatingAdmissionPolicyBinding extends KubeObject {
  /** Desired behaviour. */
  spec?: ValidatingAdmissionPolicyBindingSpec;
}

// ---------------------------------------------------------------- schema

const str = (description: string): OpenAPISchema => ({ type: "string", description });
const strings = (description: string): OpenAPISchema => ({
  type: "array",
  description,
  items: { type: "string" },
});

const labelSelector = (description: string): OpenAPISchema => ({
  type: "object",
  title: "LabelSelector",
  description,
  properties: {
    matchLabels: {
      type: "object",
      description: docs.LabelSelector.matchLabels,
      additionalProperties: { type: "string" },
    },
    matchExpressions: {
      type: "array",
      description: docs.LabelSelector.matchExpressions,
      items: {
        type: "object",
        title: "LabelSelectorRequirement",
        description: docs.LabelSelectorRequirement[""],
        required: ["key", "operator"],
        properties: {
          key: str(docs.LabelSelectorRequirement.key),
          operator: str(docs.LabelSelectorRequirement.operator),
          values: strings(docs.LabelSelectorRequirement.values),
        },
      },
    },
  },
});

const namedRule: OpenAPISchema = {
  type: "object",
  title: "NamedRuleWithOperations",
  description: docs.NamedRuleWithOperations[""],
  properties: {
    resourceNames: strings(docs.NamedRuleWithOperations.resourceNames),
    operations: strings(docs.NamedRuleWithOperations.operations),
    apiGroups: strings(docs.NamedRuleWithOperations.apiGroups),
    apiVersions: strings(docs.NamedRuleWithOperations.apiVersions),
    resources: strings(docs.NamedRuleWithOperations.resources),
    scope: str(docs.NamedRuleWithOperations.scope),
  },
};

const matchResources = (description: string): OpenAPISchema => ({
  type: "object",
  title: "MatchResources",
  description,
  properties: {
    namespaceSelector: labelSelector(docs.MatchResources.namespaceSelector),
    objectSelector: labelSelector(docs.MatchResources.objectSelector),
    resourceRules: {
      type: "array",
      description: docs.MatchResources.resourceRules,
      items: namedRule,
    },
    excludeResourceRules: {
      type: "array",
      description: docs.MatchResources.excludeResourceRules,
      items: namedRule,
    },
    matchPolicy: str(docs.MatchResources.matchPolicy),
  },
});

const exprItem = (
  title: keyof typeof docs,
  description: string,
  props: Record<string, OpenAPISchema>,
) => ({
  type: "array" as const,
  description,
  items: {
    type: "object" as const,
    title,
    description: docs[title][""],
    required: Object.keys(props).filter((k) =>
      k === "expression" || k === "name" || k === "key" || k === "valueExpression"
    ),
    properties: props,
  },
});

const policySchema: OpenAPISchema = {
  type: "object",
  title: "ValidatingAdmissionPolicy",
  description: docs.ValidatingAdmissionPolicy[""],
  properties: {
    spec: {
      type: "object",
      title: "ValidatingAdmissionPolicySpec",
      description: docs.ValidatingAdmissionPolicy.spec,
      properties: {
        paramKind: {
          type: "object",
          title: "ParamKind",
          description: docs.ValidatingAdmissionPolicySpec.paramKind,
          properties: {
            apiVersion: str(docs.ParamKind.apiVersion),
            kind: str(docs.ParamKind.kind),
          },
        },
        matchConstraints: matchResources(docs.ValidatingAdmissionPolicySpec.matchConstraints),
        validations: exprItem("Validation", docs.ValidatingAdmissionPolicySpec.validations, {
          expression: str(docs.Validation.expression),
          message: str(docs.Validation.message),
          reason: str(docs.Validation.reason),
          messageExpression: str(docs.Validation.messageExpression),
        }),
        failurePolicy: str(docs.ValidatingAdmissionPolicySpec.failurePolicy),
        auditAnnotations: exprItem(
          "AuditAnnotation",
          docs.ValidatingAdmissionPolicySpec.auditAnnotations,
          {
            key: str(docs.AuditAnnotation.key),
            valueExpression: str(docs.AuditAnnotation.valueExpression),
          },
        ),
        matchConditions: exprItem(
          "MatchCondition",
          docs.ValidatingAdmissionPolicySpec.matchConditions,
          {
            name: str(docs.MatchCondition.name),
            expression: str(docs.MatchCondition.expression),
          },
        ),
        variables: exprItem("Variable", docs.ValidatingAdmissionPolicySpec.variables, {
          name: str(docs.Variable.name),
          expression: str(docs.Variable.expression),
        }),
      },
    },
    status: {
      type: "object",
      title: "ValidatingAdmissionPolicyStatus",
      description: docs.ValidatingAdmissionPolicy.status,
      properties: {
        observedGeneration: {
          type: "integer",
          format: "int64",
          description: docs.ValidatingAdmissionPolicyStatus.observedGeneration,
        },
        typeChecking: {
          type: "object",
          title: "TypeChecking",
          description: docs.ValidatingAdmissionPolicyStatus.typeChecking,
          properties: {
            expressionWarnings: {
              type: "array",
              description: docs.TypeChecking.expressionWarnings,
              items: {
                type: "object",
                title: "ExpressionWarning",
                description: docs.ExpressionWarning[""],
                required: ["fieldRef", "warning"],
                properties: {
                  fieldRef: str(docs.ExpressionWarning.fieldRef),
                  warning: str(docs.ExpressionWarning.warning),
                },
              },
            },
          },
        },
        conditions: {
          type: "array",
          description: docs.ValidatingAdmissionPolicyStatus.conditions,
          items: {
            type: "object",
            title: "Condition",
            description: docs.Condition[""],
            required: ["type", "status"],
            properties: {
              type: str(docs.Condition.type),
              status: str(docs.Condition.status),
              observedGeneration: {
                type: "integer",
                format: "int64",
                description: docs.Condition.observedGeneration,
              },
              lastTransitionTime: str(docs.Condition.lastTransitionTime),
              reason: str(docs.Condition.reason),
              message: str(docs.Condition.message),
            },
          },
        },
      },
    },
  },
};

const bindingSchema: OpenAPISchema = {
  type: "object",
  title: "ValidatingAdmissionPolicyBinding",
  description: docs.ValidatingAdmissionPolicyBinding[""],
  properties: {
    spec: {
      type: "object",
      title: "ValidatingAdmissionPolicyBindingSpec",
      description: docs.ValidatingAdmissionPolicyBinding.spec,
      properties: {
        policyName: str(docs.ValidatingAdmissionPolicyBindingSpec.policyName),
        paramRef: {
          type: "object",
          title: "ParamRef",
          description: docs.ValidatingAdmissionPolicyBindingSpec.paramRef,
          properties: {
            name: str(docs.ParamRef.name),
            namespace: str(docs.ParamRef.namespace),
            selector: labelSelector(docs.ParamRef.selector),
            parameterNotFoundAction: str(docs.ParamRef.parameterNotFoundAction),
          },
        },
        matchResources: matchResources(docs.ValidatingAdmissionPolicyBindingSpec.matchResources),
        validationActions: strings(docs.ValidatingAdmissionPolicyBindingSpec.validationActions),
      },
    },
  },
};

// ---------------------------------------------------------------- defaults

function defaultMatchResources(m: MatchResources | undefined): void {
  if (!m) return;
  m.matchPolicy ??= "Equivalent";
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) {
    r.scope ??= "*";
  }
}

/**
 * Applies kube's defaults to a ValidatingAdmissionPolicy (failurePolicy
 * `Fail`; matchPolicy `Equivalent`, empty selectors and rule scope `*` in
 * matchConstraints).
 *
 * @example
 * ```ts
 * import { defaultValidatingAdmissionPolicy, type ValidatingAdmissionPolicySpec } from "./admissionregistration_v1.ts";
 * import assert from "node:assert/strict";
 * const p: { metadata: { name: string }; spec: ValidatingAdmissionPolicySpec } = { metadata: { name: "p" }, spec: { matchConstraints: { resourceRules: [{}] } } };
 * defaultValidatingAdmissionPolicy(p);
 * assert.equal(p.spec.failurePolicy, "Fail");
 * assert.deepEqual(p.spec.matchConstraints as unknown, {
 *   resourceRules: [{ scope: "*" }], matchPolicy: "Equivalent", namespaceSelector: {}, objectSelector: {},
 * });
 * ```
 */
export function defaultValidatingAdmissionPolicy(
  p: { spec?: ValidatingAdmissionPolicySpec },
): void {
  p.spec ??= {};
  p.spec.failurePolicy ??= "Fail";
  defaultMatchResources(p.spec.matchConstraints);
}

/**
 * Applies kube's defaults to a ValidatingAdmissionPolicyBinding
 * (parameterNotFoundAction `Deny` in paramRef; the MatchResources defaults in
 * matchResources).
 *
 * @example
 * ```ts
 * import { defaultValidatingAdmissionPolicyBinding, type ParamRef } from "./admissionregistration_v1.ts";
 * import assert from "node:assert/strict";
 * const b: { metadata: { name: string }; spec: { policyName: string; paramRef: ParamRef } } = { metadata: { name: "b" }, spec: { policyName: "p", paramRef: { name: "x" } } };
 * defaultValidatingAdmissionPolicyBinding(b);
 * assert.equal(b.spec.paramRef.parameterNotFoundAction, "Deny");
 * ```
 */
export function defaultValidatingAdmissionPolicyBinding(
  b: { spec?: ValidatingAdmissionPolicyBindingSpec },
): void {
  b.spec ??= {};
  if (b.spec.paramRef) b.spec.paramRef.parameterNotFoundAction ??= "Deny";
  defaultMatchResources(b.spec.matchResources);
}

// ---------------------------------------------------------------- kinds

/** What create accepts for a ValidatingAdmissionPolicy. */
export type ValidatingAdmissionPolicyInput = ObjectInput & {
  spec?: ValidatingAdmissionPolicySpec;
  status?: ValidatingAdmissionPolicyStatus;
};

/** What create accepts for a ValidatingAdmissionPolicyBinding. */
export type ValidatingAdmissionPolicyBindingInput = ObjectInput & {
  spec?: ValidatingAdmissionPolicyBindingSpec;
};

/**
 * The strategic-merge-patch tags of ValidatingAdmissionPolicy (`patchStrategy`/`patchMergeKey`
 * in k8s.io/api): metadata's finalizers and ownerReferences, and the spec's matchConditions and
 * variables merged by name. validations and auditAnnotations are atomic: a patch replaces them.
 */
const policyPatchMeta: PatchMeta = {
  metadata: {
    fields: {
      finalizers: { patchStrategy: "merge" },
      ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid" },
    },
  },
  spec: {
    fields: {
      matchConditions: { patchStrategy: "merge", patchMergeKey: "name" },
      variables: { patchStrategy: "merge", patchMergeKey: "name" },
    },
  },
};

/**
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, cluster-scoped,
 * status subresource, generation tracked).
 *
 * @example
 * ```ts
 * import { ValidatingAdmissionPolicy } from "./admissionregistration_v1.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ValidatingAdmissionPolicy.plural, "validatingadmissionpolicies");
 * assert.equal(ValidatingAdmissionPolicy.scope, "Cluster");
 * ```
 */
export const ValidatingAdmissionPolicy: Kind<
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyInput
> = defineObjectKind({
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicy",
  plural: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  categories: ["api-extensions"],
  scope: "Cluster",
  statusSubresource: true,
  generation: true,
  schema: openAPISchema<Omit<ValidatingAdmissionPolicy, keyof KubeObject>>(policySchema),
  patchMeta: policyPatchMeta,
  load: loadValidation,
  prepare(obj) {
    defaultValidatingAdmissionPolicy(obj as ValidatingAdmissionPolicy);
  },
  validate(obj, old) {
    return loaded().validateValidatingAdmissionPolicy(
      obj as ValidatingAdmissionPolicy,
      old as ValidatingAdmissionPolicy | undefined,
    );
  },
}) as unknown as Kind<ValidatingAdmissionPolicy, ValidatingAdmissionPolicyInput>;

/**
 * ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1,
 * cluster-scoped).
 *
 * @example
 * ```ts
 * import { ValidatingAdmissionPolicyBinding } from "./admissionregistration_v1.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ValidatingAdmissionPolicyBinding.plural, "validatingadmissionpolicybindings");
 * ```
 */
export const ValidatingAdmissionPolicyBinding: Kind<
  ValidatingAdmissionPolicyBinding,
  ValidatingAdmissionPolicyBindingInput
> = defineObjectKind({
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicyBinding",
  plural: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  categories: ["api-extensions"],
  scope: "Cluster",
  generation: true,
  schema: openAPISchema<Omit<ValidatingAdmissionPolicyBinding, keyof KubeObject>>(bindingSchema),
  load: loadValidation,
  prepare(obj) {
    defaultValidatingAdmissionPolicyBinding(obj as ValidatingAdmissionPolicyBinding);
  },
  validate(obj) {
    return loaded().validateValidatingAdmissionPolicyBinding(
      obj as ValidatingAdmissionPolicyBinding,
    );
  },
}) as unknown as Kind<ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicyBindingInput>;

/** Every built-in admissionregistration.k8s.io/v1 kind. */
export const admissionregistrationV1Kinds: readonly Kind[] = [
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
] as unknown as Kind[];
