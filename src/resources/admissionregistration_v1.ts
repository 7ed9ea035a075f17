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
import type { KubeObject } from "../apimachinery/meta.ts";
import { defineObjectKind, type Kind, type ObjectInput } from "../scheme/kind.ts";
import { type OpenAPISchema, openAPISchema } from "../scheme/openapi.ts";

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
      description: "matchLabels is a map of {key,value} pairs.",
      additionalProperties: { type: "string" },
    },
    matchExpressions: {
      type: "array",
      description: "matchExpressions is a list of label selector requirements.",
      items: {
        type: "object",
        title: "LabelSelectorRequirement",
        required: ["key", "operator"],
        properties: {
          key: str("key is the label key that the selector applies to."),
          operator: str("operator represents a key's relationship to a set of values."),
          values: strings("values is an array of string values."),
        },
      },
    },
  },
});

const namedRule: OpenAPISchema = {
  type: "object",
  title: "NamedRuleWithOperations",
  description: "NamedRuleWithOperations is a tuple of Operations and Resources with ResourceNames.",
  properties: {
    resourceNames: strings(
      "ResourceNames is an optional white list of names that the rule applies to.",
    ),
    operations: strings("Operations is the operations the admission hook cares about."),
    apiGroups: strings("APIGroups is the API groups the resources belong to."),
    apiVersions: strings("APIVersions is the API versions the resources belong to."),
    resources: strings("Resources is a list of resources this rule applies to."),
    scope: str('scope specifies the scope of this rule: "Cluster", "Namespaced" or "*".'),
  },
};

const matchResources = (description: string): OpenAPISchema => ({
  type: "object",
  title: "MatchResources",
  description,
  properties: {
    namespaceSelector: labelSelector(
      "NamespaceSelector decides whether to run the admission control policy on an object " +
        "based on whether the namespace for that object matches the selector.",
    ),
    objectSelector: labelSelector(
      "ObjectSelector decides whether to run the validation based on if the object has " +
        "matching labels.",
    ),
    resourceRules: {
      type: "array",
      description: "ResourceRules describes what operations on what resources/subresources " +
        "the ValidatingAdmissionPolicy matches.",
      items: namedRule,
    },
    excludeResourceRules: {
      type: "array",
      description: "ExcludeResourceRules describes what operations on what " +
        "resources/subresources the ValidatingAdmissionPolicy should not care about.",
      items: namedRule,
    },
    matchPolicy: str(
      'matchPolicy defines how the "MatchResources" list is used to match ' +
        'incoming requests. Allowed values are "Exact" or "Equivalent".',
    ),
  },
});

const exprItem = (title: string, description: string, props: Record<string, OpenAPISchema>) => ({
  type: "array" as const,
  description,
  items: {
    type: "object" as const,
    title,
    required: Object.keys(props).filter((k) =>
      k === "expression" || k === "name" || k === "key" || k === "valueExpression"
    ),
    properties: props,
  },
});

const policySchema: OpenAPISchema = {
  type: "object",
  title: "ValidatingAdmissionPolicy",
  description: "ValidatingAdmissionPolicy describes the definition of an admission validation " +
    "policy that accepts or rejects an object without changing it.",
  properties: {
    spec: {
      type: "object",
      title: "ValidatingAdmissionPolicySpec",
      description: "Specification of the desired behavior of the ValidatingAdmissionPolicy.",
      properties: {
        paramKind: {
          type: "object",
          title: "ParamKind",
          description:
            "ParamKind specifies the kind of resources used to parameterize this policy.",
          properties: {
            apiVersion: str("APIVersion is the API group version the resources belong to."),
            kind: str("Kind is the API kind the resources belong to."),
          },
        },
        matchConstraints: matchResources(
          "MatchConstraints specifies what resources this policy is designed to validate.",
        ),
        validations: exprItem(
          "Validation",
          "Validations contain CEL expressions which is used " +
            "to apply the validation.",
          {
            expression: str("Expression represents the expression which will be evaluated by CEL."),
            message: str("Message represents the message displayed when validation fails."),
            reason: str(
              "Reason represents a machine-readable description of why this validation failed.",
            ),
            messageExpression: str(
              "messageExpression declares a CEL expression that evaluates to " +
                "the validation failure message that is returned when this rule fails.",
            ),
          },
        ),
        failurePolicy: str(
          "failurePolicy defines how to handle failures for the admission " +
            "policy. Allowed values are Ignore or Fail. Defaults to Fail.",
        ),
        auditAnnotations: exprItem(
          "AuditAnnotation",
          "auditAnnotations contains CEL " +
            "expressions which are used to produce audit annotations for the audit event.",
          {
            key: str("key specifies the audit annotation key."),
            valueExpression: str(
              "valueExpression represents the expression which is evaluated " +
                "by CEL to produce an audit annotation value.",
            ),
          },
        ),
        matchConditions: exprItem(
          "MatchCondition",
          "MatchConditions is a list of conditions " +
            "that must be met for a request to be validated.",
          {
            name: str("Name is an identifier for this match condition."),
            expression: str("Expression represents the expression which will be evaluated by CEL."),
          },
        ),
        variables: exprItem(
          "Variable",
          "Variables contain definitions of variables that can " +
            "be used in composition of other expressions.",
          {
            name: str("Name is the name of the variable."),
            expression: str(
              "Expression is the expression that will be evaluated as the value " +
                "of the variable.",
            ),
          },
        ),
      },
    },
    status: {
      type: "object",
      title: "ValidatingAdmissionPolicyStatus",
      description: "The status of the ValidatingAdmissionPolicy.",
      properties: {
        observedGeneration: {
          type: "integer",
          format: "int64",
          description: "The generation observed by the controller.",
        },
        typeChecking: {
          type: "object",
          title: "TypeChecking",
          description: "The results of type checking for each expression.",
          properties: {
            expressionWarnings: {
              type: "array",
              description: "The type checking warnings for each expression.",
              items: {
                type: "object",
                title: "ExpressionWarning",
                required: ["fieldRef", "warning"],
                properties: {
                  fieldRef: str("The path to the field that refers the expression."),
                  warning: str("The content of type checking information."),
                },
              },
            },
          },
        },
        conditions: {
          type: "array",
          description:
            "The conditions represent the latest available observations of a policy's current state.",
          items: {
            type: "object",
            title: "Condition",
            required: ["type", "status"],
            properties: {
              type: str("type of condition."),
              status: str("status of the condition, one of True, False, Unknown."),
              observedGeneration: {
                type: "integer",
                format: "int64",
                description: "observedGeneration.",
              },
              lastTransitionTime: str("lastTransitionTime."),
              reason: str("reason."),
              message: str("message."),
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
  description: "ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with " +
    "paramerized resources.",
  properties: {
    spec: {
      type: "object",
      title: "ValidatingAdmissionPolicyBindingSpec",
      description: "Specification of the desired behavior of the ValidatingAdmissionPolicyBinding.",
      properties: {
        policyName: str(
          "PolicyName references a ValidatingAdmissionPolicy name which the " +
            "ValidatingAdmissionPolicyBinding binds to.",
        ),
        paramRef: {
          type: "object",
          title: "ParamRef",
          description: "paramRef specifies the parameter resource used to configure the " +
            "admission control policy.",
          properties: {
            name: str("name is the name of the resource being referenced."),
            namespace: str("namespace is the namespace of the referenced resource."),
            selector: labelSelector(
              "selector can be used to match multiple param objects " +
                "based on their labels.",
            ),
            parameterNotFoundAction: str(
              "parameterNotFoundAction controls the behavior of " +
                "the binding when the resource exists, and name or selector is valid, but there " +
                "are no parameters matched by the binding.",
            ),
          },
        },
        matchResources: matchResources(
          "MatchResources declares what resources match this binding.",
        ),
        validationActions: strings(
          "validationActions declares how Validations of the " +
            "referenced ValidatingAdmissionPolicy are enforced.",
        ),
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
