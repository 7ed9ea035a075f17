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
import { apiextensionsV1Docs as docs } from "./apiextensions_v1_docs.ts";
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
    plural: str(docs.CustomResourceDefinitionNames.plural),
    singular: str(docs.CustomResourceDefinitionNames.singular),
    kind: str(docs.CustomResourceDefinitionNames.kind),
    listKind: str(docs.CustomResourceDefinitionNames.listKind),
    shortNames: strings(docs.CustomResourceDefinitionNames.shortNames),
    categories: strings(docs.CustomResourceDefinitionNames.categories),
  },
});

const subresourcesSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceSubresources",
  description: docs.CustomResourceDefinitionVersion.subresources,
  properties: {
    status: {
      type: "object",
      description: docs.CustomResourceSubresources.status,
    },
    scale: {
      type: "object",
      title: "CustomResourceSubresourceScale",
      description: docs.CustomResourceSubresources.scale,
      properties: {
        specReplicasPath: str(docs.CustomResourceSubresourceScale.specReplicasPath),
        statusReplicasPath: str(docs.CustomResourceSubresourceScale.statusReplicasPath),
        labelSelectorPath: str(docs.CustomResourceSubresourceScale.labelSelectorPath),
      },
    },
  },
};

const columnSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceColumnDefinition",
  description: docs.CustomResourceColumnDefinition[""],
  properties: {
    name: str(docs.CustomResourceColumnDefinition.name),
    type: str(docs.CustomResourceColumnDefinition.type),
    format: str(docs.CustomResourceColumnDefinition.format),
    description: str(docs.CustomResourceColumnDefinition.description),
    priority: {
      type: "integer",
      format: "int32",
      description: docs.CustomResourceColumnDefinition.priority,
    },
    jsonPath: str(docs.CustomResourceColumnDefinition.jsonPath),
  },
};

const versionSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceDefinitionVersion",
  description: docs.CustomResourceDefinitionVersion[""],
  properties: {
    name: str(docs.CustomResourceDefinitionVersion.name),
    served: bool(docs.CustomResourceDefinitionVersion.served),
    storage: bool(docs.CustomResourceDefinitionVersion.storage),
    deprecated: bool(docs.CustomResourceDefinitionVersion.deprecated),
    deprecationWarning: str(docs.CustomResourceDefinitionVersion.deprecationWarning),
    schema: {
      type: "object",
      title: "CustomResourceValidation",
      description: docs.CustomResourceDefinitionVersion.schema,
      properties: {
        openAPIV3Schema: {
          description: docs.CustomResourceValidation.openAPIV3Schema,
        },
      },
    },
    subresources: subresourcesSchema,
    additionalPrinterColumns: {
      type: "array",
      description: docs.CustomResourceDefinitionVersion.additionalPrinterColumns,
      items: columnSchema,
    },
    selectableFields: {
      type: "array",
      description: docs.CustomResourceDefinitionVersion.selectableFields,
      items: {
        type: "object",
        title: "SelectableField",
        description: docs.SelectableField[""],
        properties: { jsonPath: str(docs.SelectableField.jsonPath) },
      },
    },
  },
};

const conversionSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceConversion",
  description: docs.CustomResourceDefinitionSpec.conversion,
  properties: {
    strategy: str(docs.CustomResourceConversion.strategy),
    webhook: {
      type: "object",
      title: "WebhookConversion",
      description: docs.CustomResourceConversion.webhook,
      properties: {
        clientConfig: {
          type: "object",
          title: "WebhookClientConfig",
          description: docs.WebhookConversion.clientConfig,
          properties: {
            url: str(docs.WebhookClientConfig.url),
            service: {
              type: "object",
              title: "ServiceReference",
              description: docs.WebhookClientConfig.service,
              properties: {
                namespace: str(docs.ServiceReference.namespace),
                name: str(docs.ServiceReference.name),
                path: str(docs.ServiceReference.path),
                port: {
                  type: "integer",
                  format: "int32",
                  description: docs.ServiceReference.port,
                },
              },
            },
            caBundle: {
              type: "string",
              format: "byte",
              description: docs.WebhookClientConfig.caBundle,
            },
          },
        },
        conversionReviewVersions: strings(docs.WebhookConversion.conversionReviewVersions),
      },
    },
  },
};

/** The schema of a CustomResourceDefinition's `spec` and `status`. */
export const crdFieldsSchema: OpenAPISchema = {
  type: "object",
  title: "CustomResourceDefinition",
  description: docs.CustomResourceDefinition[""],
  properties: {
    spec: {
      type: "object",
      title: "CustomResourceDefinitionSpec",
      description: docs.CustomResourceDefinition.spec,
      properties: {
        group: str(docs.CustomResourceDefinitionSpec.group),
        names: namesSchema(docs.CustomResourceDefinitionSpec.names),
        scope: str(docs.CustomResourceDefinitionSpec.scope),
        versions: {
          type: "array",
          description: docs.CustomResourceDefinitionSpec.versions,
          items: versionSchema,
        },
        conversion: conversionSchema,
        preserveUnknownFields: bool(docs.CustomResourceDefinitionSpec.preserveUnknownFields),
      },
    },
    status: {
      type: "object",
      title: "CustomResourceDefinitionStatus",
      description: docs.CustomResourceDefinition.status,
      properties: {
        conditions: {
          type: "array",
          description: docs.CustomResourceDefinitionStatus.conditions,
          items: {
            type: "object",
            title: "CustomResourceDefinitionCondition",
            description: docs.CustomResourceDefinitionCondition[""],
            properties: {
              type: str(docs.CustomResourceDefinitionCondition.type),
              status: str(docs.CustomResourceDefinitionCondition.status),
              lastTransitionTime: str(docs.CustomResourceDefinitionCondition.lastTransitionTime),
              reason: str(docs.CustomResourceDefinitionCondition.reason),
              message: str(docs.CustomResourceDefinitionCondition.message),
            },
          },
        },
        acceptedNames: namesSchema(docs.CustomResourceDefinitionStatus.acceptedNames),
        storedVersions: strings(docs.CustomResourceDefinitionStatus.storedVersions),
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
