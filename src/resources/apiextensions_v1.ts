/**
 * The built-in `apiextensions.k8s.io/v1` kind CustomResourceDefinition, with
 * the defaults, status handling and static validation kube-apiserver gives it
 * (`ValidateCustomResourceDefinition` and `ValidateCustomResourceDefinitionUpdate`
 * of apiextensions-apiserver). The structural-schema rules of
 * `openAPIV3Schema` are not checked here: any object is accepted there.
 *
 * kube validates a CRD in its internal form, after converting it from v1:
 * `spec.versions[0].name` is copied to `spec.version`, per-version
 * subresources, schemas and printer columns that are identical in every
 * version move to the top level of the spec, and the conversion webhook's
 * fields become `spec.conversion.webhookClientConfig` and
 * `spec.conversion.conversionReviewVersions`. The field paths of the errors
 * follow that internal form, exactly as kube reports them.
 *
 * The kind itself, with the schema and CEL checks, is in
 * `src/apiextensions/crd.ts`.
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";
import type { FieldPatchMeta, PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import type { ObjectInput } from "../scheme/kind.ts";
import type { OpenAPISchema } from "../scheme/openapi.ts";
import { isObject } from "../apimachinery/json_value.ts";

// ---------------------------------------------------------------- types

/** The names a custom resource is served under. */
export interface CustomResourceDefinitionNames {
  /** Plural resource name, e.g. `crontabs`; the CRD's name is `<plural>.<group>`. */
  plural: string;
  /** Singular name; defaults to the lower-cased kind. */
  singular?: string;
  /** Kind, e.g. `CronTab`. */
  kind: string;
  /** Kind of lists; defaults to `<kind>List`. */
  listKind?: string;
  /** Short names, e.g. `ct`. */
  shortNames?: string[];
  /** Categories, e.g. `all`. */
  categories?: string[];
}

/** An OpenAPI v3 schema of a custom resource (not checked in this slice). */
export type JSONSchemaProps = Record<string, unknown>;

/** A version's schema. */
export interface CustomResourceValidation {
  /** The OpenAPI v3 schema of the custom resource. */
  openAPIV3Schema?: JSONSchemaProps;
}

/** The scale subresource of a custom resource. */
export interface CustomResourceSubresourceScale {
  /** JSON path (under `.spec`) of the desired replicas. */
  specReplicasPath: string;
  /** JSON path (under `.status`) of the observed replicas. */
  statusReplicasPath: string;
  /** JSON path (under `.spec` or `.status`) of the label selector in string form. */
  labelSelectorPath?: string;
}

/** The subresources of a custom resource. */
export interface CustomResourceSubresources {
  /** When set (to `{}`), `status` is a subresource. */
  status?: Record<string, never>;
  /** When set, `scale` is a subresource. */
  scale?: CustomResourceSubresourceScale;
}

/** An additional column of `kubectl get`. */
export interface CustomResourceColumnDefinition {
  /** Column header. */
  name: string;
  /** OpenAPI type: integer, number, string, boolean or date. */
  type: string;
  /** OpenAPI format hint. */
  format?: string;
  /** Human-readable description. */
  description?: string;
  /** 0 for the standard view, higher for `-o wide`. */
  priority?: number;
  /** Simple JSON path into the object, e.g. `.spec.replicas`. */
  jsonPath: string;
}

/** A field usable in field selectors. */
export interface SelectableField {
  /** Simple JSON path, e.g. `.spec.color`. */
  jsonPath: string;
}

/** One version of a custom resource. */
export interface CustomResourceDefinitionVersion {
  /** Version name, e.g. `v1beta1`. */
  name: string;
  /** Whether the version is served. */
  served: boolean;
  /** Whether objects are stored in this version (exactly one version). */
  storage: boolean;
  /** Whether the version is deprecated. */
  deprecated?: boolean;
  /** Warning returned to clients of a deprecated version. */
  deprecationWarning?: string;
  /** Schema of the version. */
  schema?: CustomResourceValidation;
  /** Subresources of the version. */
  subresources?: CustomResourceSubresources;
  /** Extra `kubectl get` columns. */
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  /** Extra selectable fields. */
  selectableFields?: SelectableField[];
}

/** How to reach a conversion webhook. */
export interface WebhookClientConfig {
  /** `https://host[/path]`; exclusive with `service`. */
  url?: string;
  /** An in-cluster service; exclusive with `url`. */
  service?: { namespace: string; name: string; path?: string; port?: number };
  /** PEM CA bundle, base64-encoded. */
  caBundle?: string;
}

/** How custom resources are converted between versions. */
export interface CustomResourceConversion {
  /** `None` or `Webhook`. */
  strategy: string;
  /** Required when the strategy is `Webhook`. */
  webhook?: {
    /** How to call the webhook. */
    clientConfig?: WebhookClientConfig;
    /** ConversionReview versions the webhook understands, preferred first. */
    conversionReviewVersions: string[];
  };
}

/** The spec of a CustomResourceDefinition. */
export interface CustomResourceDefinitionSpec {
  /** API group of the custom resource, a domain such as `stable.example.com`. */
  group: string;
  /** Names of the custom resource. */
  names: CustomResourceDefinitionNames;
  /** `Cluster` or `Namespaced`. */
  scope: string;
  /** Versions, at least one, exactly one with `storage: true`. */
  versions: CustomResourceDefinitionVersion[];
  /** Conversion strategy; defaults to `{ strategy: "None" }`. */
  conversion?: CustomResourceConversion;
  /** Deprecated; may not be set to true. */
  preserveUnknownFields?: boolean;
}

/** A condition of a CustomResourceDefinition (`Established`, `NamesAccepted`, ...). */
export interface CustomResourceDefinitionCondition {
  /** Condition type. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  /** When the status last changed. */
  lastTransitionTime?: string;
  /** CamelCase reason. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

/** The status of a CustomResourceDefinition. */
export interface CustomResourceDefinitionStatus {
  /** Observations of the definition's state. */
  conditions?: CustomResourceDefinitionCondition[];
  /** Names actually served (may differ from the spec's on conflict). */
  acceptedNames?: CustomResourceDefinitionNames;
  /** Every version objects were ever stored in (kept until a storage migration). */
  storedVersions?: string[];
}

/** The fields of a CustomResourceDefinition besides apiVersion, kind and metadata. */
export interface CustomResourceDefinitionFields {
  /** Desired state. */
  spec: CustomResourceDefinitionSpec;
  /** Observed state. */
  status?: CustomResourceDefinitionStatus;
}

/** A CustomResourceDefinition, as in apiextensions.k8s.io/v1. */
export interface CustomResourceDefinition extends KubeObject, CustomResourceDefinitionFields {}

/** What create accepts for a CustomResourceDefinition. */
export type CustomResourceDefinitionInput = ObjectInput & CustomResourceDefinitionFields;

// ---------------------------------------------------------------- schema

const str = (description: string): OpenAPISchema => ({ type: "string", description });
const bool = (description: string): OpenAPISchema => ({ type: "boolean", description });
const strings = (description: string): OpenAPISchema => ({
  type: "array",
  description,
  items: { type: "string" },
});

const namesSchema = (description: string): OpenAPISchema => ({
  type: "object",
  title: "CustomResourceDefinitionNames",
  description,
  properties: {
    plural: str("plural is the plural name of the resource to serve, all lowercase."),
    singular: str("singular is the singular name of the resource. Defaults to lowercased kind."),
    kind: str("kind is the serialized kind of the resource, normally CamelCase and singular."),
    listKind: str("listKind is the serialized kind of the list; defaults to `kind`List."),
    shortNames: strings("shortNames are short names for the resource, all lowercase."),
    categories: strings("categories is a list of grouped resources, e.g. `all`."),
  },
});

const subresourcesSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceSubresources",
  description: "subresources specify what subresources this version has.",
  properties: {
    status: {
      type: "object",
      description: "status indicates the custom resource should serve a `/status` subresource.",
    },
    scale: {
      type: "object",
      title: "CustomResourceSubresourceScale",
      description: "scale indicates the custom resource should serve a `/scale` subresource.",
      properties: {
        specReplicasPath: str("JSON path (e.g. `.spec.replicas`) of the desired replicas."),
        statusReplicasPath: str("JSON path (e.g. `.status.replicas`) of the observed replicas."),
        labelSelectorPath: str("JSON path of the label selector in serialized form."),
      },
    },
  },
};

const columnSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceColumnDefinition",
  description: "CustomResourceColumnDefinition specifies a column for server side printing.",
  properties: {
    name: str("name is a human readable name for the column."),
    type: str("type is an OpenAPI type definition for this column."),
    format: str("format is an optional OpenAPI type definition for this column."),
    description: str("description is a human readable description of this column."),
    priority: {
      type: "integer",
      format: "int32",
      description: "priority is an integer defining the relative importance of this column.",
    },
    jsonPath: str("jsonPath is a simple JSON path evaluated against each custom resource."),
  },
};

const versionSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceDefinitionVersion",
  description: "CustomResourceDefinitionVersion describes a version for CRD.",
  properties: {
    name: str("name is the version name, e.g. \u201cv1\u201d, \u201cv2beta1\u201d."),
    served: bool("served is a flag enabling/disabling this version from being served."),
    storage: bool("storage indicates this version should be used when persisting objects."),
    deprecated: bool("deprecated indicates this version of the custom resource API is deprecated."),
    deprecationWarning: str("deprecationWarning overrides the default warning returned."),
    schema: {
      type: "object",
      title: "CustomResourceValidation",
      description: "schema describes the schema used for validation, pruning, and defaulting.",
      properties: {
        openAPIV3Schema: {
          description: "openAPIV3Schema is the OpenAPI v3 schema to use for validation.",
        },
      },
    },
    subresources: subresourcesSchema,
    additionalPrinterColumns: {
      type: "array",
      description:
        "additionalPrinterColumns specifies additional columns returned in Table output.",
      items: columnSchema,
    },
    selectableFields: {
      type: "array",
      description:
        "selectableFields specifies paths to fields that may be used as field selectors.",
      items: {
        type: "object",
        title: "SelectableField",
        description: "SelectableField specifies the JSON path of a field that may be used " +
          "with field selectors.",
        properties: { jsonPath: str("jsonPath is a simple JSON path.") },
      },
    },
  },
};

const conversionSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceConversion",
  description: "conversion defines conversion settings for the CRD.",
  properties: {
    strategy: str("strategy specifies how custom resources are converted between versions."),
    webhook: {
      type: "object",
      title: "WebhookConversion",
      description: "webhook describes how to call the conversion webhook.",
      properties: {
        clientConfig: {
          type: "object",
          title: "WebhookClientConfig",
          description: "clientConfig is the instructions for how to call the webhook.",
          properties: {
            url: str("url gives the location of the webhook, in standard URL form."),
            service: {
              type: "object",
              title: "ServiceReference",
              description: "service is a reference to the service for this webhook.",
              properties: {
                namespace: str("namespace is the namespace of the service."),
                name: str("name is the name of the service."),
                path: str("path is an optional URL path at which the webhook will be contacted."),
                port: {
                  type: "integer",
                  format: "int32",
                  description: "port is an optional service port. Defaults to 443.",
                },
              },
            },
            caBundle: {
              type: "string",
              format: "byte",
              description: "caBundle is a PEM encoded CA bundle.",
            },
          },
        },
        conversionReviewVersions: strings(
          "conversionReviewVersions is an ordered list of preferred `ConversionReview` versions.",
        ),
      },
    },
  },
};

/** The schema of a CustomResourceDefinition's `spec` and `status`. */
export const crdFieldsSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceDefinition",
  description: "CustomResourceDefinition represents a resource that should be exposed on the " +
    "API server. Its name MUST be in the format <.spec.name>.<.spec.group>.",
  properties: {
    spec: {
      type: "object",
      title: "CustomResourceDefinitionSpec",
      description: "spec describes how the user wants the resources to appear",
      properties: {
        group: str("group is the API group of the defined custom resource."),
        names: namesSchema("names specify the resource and kind names for the custom resource."),
        scope: str(
          "scope indicates whether the defined custom resource is cluster- or " +
            "namespace-scoped. Allowed values are `Cluster` and `Namespaced`.",
        ),
        versions: {
          type: "array",
          description: "versions is the list of all API versions of the defined custom resource.",
          items: versionSchema,
        },
        conversion: conversionSchema,
        preserveUnknownFields: bool(
          "preserveUnknownFields indicates that object fields which are not specified in the " +
            "OpenAPI schema should be preserved when persisting to storage.",
        ),
      },
    },
    status: {
      type: "object",
      title: "CustomResourceDefinitionStatus",
      description: "status indicates the actual state of the CustomResourceDefinition",
      properties: {
        conditions: {
          type: "array",
          description: "conditions indicate state for particular aspects of a " +
            "CustomResourceDefinition",
          items: {
            type: "object",
            title: "CustomResourceDefinitionCondition",
            description: "CustomResourceDefinitionCondition contains details for the current " +
              "condition of this pod.",
            properties: {
              type: str("type is the type of the condition."),
              status: str("status is the status of the condition. Can be True, False, Unknown."),
              lastTransitionTime: str(
                "lastTransitionTime last time the condition transitioned from one status to another.",
              ),
              reason: str("reason is a unique, one-word, CamelCase reason for the transition."),
              message: str("message is a human-readable message indicating details."),
            },
          },
        },
        acceptedNames: namesSchema("acceptedNames are the names that are actually being used."),
        storedVersions: strings(
          "storedVersions lists all versions of CustomResources that were ever persisted.",
        ),
      },
    },
  },
};

/**
 * v1 defaulting (`SetDefaults_CustomResourceDefinitionSpec`, `SetDefaults_ServiceReference`)
 * and the strategy's bookkeeping: the storage version joins `status.storedVersions`.
 */
export function prepareCRD(crd: CustomResourceDefinition): void {
  const spec = crd.spec;
  if (!isObject(spec)) return;
  const names = spec.names;
  if (isObject(names) && typeof names.kind === "string") {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  if (spec.conversion === undefined || spec.conversion === null) {
    spec.conversion = { strategy: "None" };
  }
  const svc = spec.conversion.webhook?.clientConfig?.service;
  if (isObject(svc) && (svc.port === undefined || svc.port === null)) svc.port = 443;
  if (!Array.isArray(spec.versions)) return;
  const storage = spec.versions.find((v) => isObject(v) && v.storage === true);
  if (storage && typeof storage.name === "string") {
    const status = isObject(crd.status) ? crd.status : (crd.status = {});
    const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
    if (!stored.includes(storage.name)) status.storedVersions = [...stored, storage.name];
  }
}

const metadataPatchMeta: FieldPatchMeta = {
  fields: {
    finalizers: { patchStrategy: "merge" },
    ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid" },
  },
};

// The v1 Go types carry no patchStrategy tags: every list is replaced whole.
/** Strategic merge patch metadata of a CustomResourceDefinition. */
export const crdPatchMeta: PatchMeta = { metadata: metadataPatchMeta };
