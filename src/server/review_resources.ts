/**
 * The self-subject reviews a k1s server serves besides the scheme's kinds,
 * as {@linkcode ExtraResource}s for discovery and OpenAPI: what kubectl's
 * `auth can-i` and `auth whoami` create.
 *
 * @example
 * ```ts
 * import { SELF_SUBJECT_REVIEW_RESOURCES } from "./review_resources.ts";
 * import { apiGroupList } from "./discovery.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import assert from "node:assert/strict";
 *
 * const list = apiGroupList(new Scheme(), { extra: SELF_SUBJECT_REVIEW_RESOURCES });
 * assert.deepEqual(list.groups.map((g) => g.name), ["authentication.k8s.io", "authorization.k8s.io"]);
 * ```
 *
 * @module
 */
import type { OpenAPISchema } from "../scheme/openapi.ts";
import type { ExtraResource } from "./discovery.ts";

const text = (description: string): OpenAPISchema => ({ type: "string", description });
const strings = (description: string): OpenAPISchema => ({
  type: "array",
  description,
  items: { type: "string" },
});
const obj = (
  title: string,
  description: string,
  properties: Record<string, OpenAPISchema>,
  required?: string[],
): OpenAPISchema => ({
  type: "object",
  title,
  description,
  properties,
  ...(required ? { required } : {}),
});
const review = (
  group: string,
  resource: string,
  kind: string,
  description: string,
  properties: Record<string, OpenAPISchema>,
): ExtraResource => ({
  group,
  version: "v1",
  resource,
  kind,
  scope: "Cluster",
  verbs: ["create"],
  schema: { type: "object", description, properties },
});
const ALL = '"*" means all.';
const EVALUATION_ERROR = text(
  "EvaluationError is an indication that some error occurred during the authorization check.",
);
const RULE_VERBS = strings("Verb is a list of kubernetes resource API verbs.");

/**
 * The self-subject reviews kubectl's `auth can-i` and `auth whoami` create
 * (`authorization.k8s.io/v1` selfsubjectaccessreviews and
 * selfsubjectrulesreviews, `authentication.k8s.io/v1` selfsubjectreviews):
 * cluster-scoped, `create` only, with their schemas.
 */
export const SELF_SUBJECT_REVIEW_RESOURCES: readonly ExtraResource[] = Object.freeze([
  review(
    "authorization.k8s.io",
    "selfsubjectaccessreviews",
    "SelfSubjectAccessReview",
    "SelfSubjectAccessReview checks whether or the current user can perform an action.",
    {
      spec: obj("SelfSubjectAccessReviewSpec", "Spec holds the request being evaluated.", {
        resourceAttributes: obj(
          "ResourceAttributes",
          "ResourceAuthorizationAttributes describes information for a resource access request",
          {
            namespace: text("Namespace is the namespace of the action being requested."),
            verb: text("Verb is a kubernetes resource API verb, like: get, list, watch, create."),
            group: text(`Group is the API Group of the Resource.  ${ALL}`),
            version: text(`Version is the API Version of the Resource.  ${ALL}`),
            resource: text(`Resource is one of the existing resource types.  ${ALL}`),
            subresource: text('Subresource is one of the existing resource types.  "" means none.'),
            name: text("Name is the name of the resource being requested."),
          },
        ),
        nonResourceAttributes: obj(
          "NonResourceAttributes",
          "NonResourceAttributes describes information for a non-resource access request",
          {
            path: text("Path is the URL path of the request"),
            verb: text("Verb is the standard HTTP verb"),
          },
        ),
      }),
      status: obj("SubjectAccessReviewStatus", "Whether the request is allowed or not.", {
        allowed: { type: "boolean", description: "True if the action would be allowed." },
        denied: { type: "boolean", description: "True if the action would be denied." },
        reason: text("Reason indicates why a request was allowed or denied."),
        evaluationError: EVALUATION_ERROR,
      }, ["allowed"]),
    },
  ),
  review(
    "authorization.k8s.io",
    "selfsubjectrulesreviews",
    "SelfSubjectRulesReview",
    "SelfSubjectRulesReview enumerates the set of actions the current user can perform within " +
      "a namespace.",
    {
      spec: obj("SelfSubjectRulesReviewSpec", "Spec holds the request being evaluated.", {
        namespace: text("Namespace to evaluate rules for. Required."),
      }),
      status: obj("SubjectRulesReviewStatus", "The set of actions a user can perform.", {
        resourceRules: {
          type: "array",
          description: "The actions the subject is allowed to perform on resources.",
          items: obj("ResourceRule", "Actions allowed on resources.", {
            verbs: RULE_VERBS,
            apiGroups: strings(
              "APIGroups is the name of the APIGroup that contains the resources.",
            ),
            resources: strings("Resources is a list of resources this rule applies to."),
            resourceNames: strings(
              "ResourceNames is an optional list of names the rule applies to.",
            ),
          }, ["verbs"]),
        },
        nonResourceRules: {
          type: "array",
          description: "The actions the subject is allowed to perform on non-resources.",
          items: obj("NonResourceRule", "Actions allowed on non-resource URLs.", {
            verbs: RULE_VERBS,
            nonResourceURLs: strings("NonResourceURLs is a set of partial urls."),
          }, ["verbs"]),
        },
        incomplete: { type: "boolean", description: "True when the rules are incomplete." },
        evaluationError: EVALUATION_ERROR,
      }, ["resourceRules", "nonResourceRules", "incomplete"]),
    },
  ),
  review(
    "authentication.k8s.io",
    "selfsubjectreviews",
    "SelfSubjectReview",
    "SelfSubjectReview contains the user information that the kube-apiserver has about the " +
      "user making this request.",
    {
      status: obj("SelfSubjectReviewStatus", "The user attributes.", {
        userInfo: obj("UserInfo", "User attributes of the user making this request.", {
          username: text("The name that uniquely identifies this user among all active users."),
          uid: text("A unique value that identifies this user across time."),
          groups: strings("The names of groups this user is a part of."),
          extra: {
            type: "object",
            description: "Any additional information provided by the authenticator.",
            additionalProperties: { type: "array", items: { type: "string" } },
          },
        }),
      }),
    },
  ),
]);
