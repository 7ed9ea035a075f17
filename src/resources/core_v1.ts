/**
 * Built-in core/v1 kinds with Kubernetes' shapes and rules: Namespace,
 * ConfigMap, Secret, ServiceAccount and Event.
 *
 * @module
 */
import { field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import { validateFinalizerName } from "../apimachinery/validation.ts";
import type { FieldPatchMeta, PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import { defineObjectKind, type Kind, type ObjectInput } from "../scheme/kind.ts";
import { type OpenAPISchema, openAPISchema } from "../scheme/openapi.ts";
import { coreV1Docs as docs } from "./core_v1_docs.ts";

/** Largest total size of a ConfigMap's or Secret's data, in bytes (1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;

const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;

/** Validates a ConfigMap/Secret data key as `validation.IsConfigMapKey` does. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push("must be no more than 253 characters");
  if (!CONFIG_KEY_RE.test(key)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
        "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is " +
        "'[-._a-zA-Z0-9]+')",
    );
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validateKeys(
  map: Record<string, string> | undefined,
  path: string,
  errs: FieldError[],
): number {
  let size = 0;
  if (!map) return 0;
  for (const [k, v] of Object.entries(map)) {
    for (const msg of isConfigMapKey(k)) errs.push(field.invalid(`${path}[${k}]`, k, msg));
    size += v.length;
  }
  return size;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined) {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  if (ak.length !== bk.length) return false;
  for (const k of ak) if ((a ?? {})[k] !== (b ?? {})[k]) return false;
  return true;
}

const IMMUTABLE_DETAIL = "field is immutable when `immutable` is set";

function immutableErrors(
  obj: { immutable?: boolean; data?: Record<string, string>; binaryData?: Record<string, string> },
  old: typeof obj | undefined,
): FieldError[] {
  if (!old?.immutable) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden("immutable", IMMUTABLE_DETAIL));
  if (!sameMap(obj.data, old.data)) errs.push(field.forbidden("data", IMMUTABLE_DETAIL));
  if (!sameMap(obj.binaryData, old.binaryData)) {
    errs.push(field.forbidden("binaryData", IMMUTABLE_DETAIL));
  }
  return errs;
}

const metadataPatchMeta: FieldPatchMeta = {
  fields: {
    finalizers: { patchStrategy: "merge" },
    ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid" },
  },
};

function withMetadata(fields: PatchMeta = {}): PatchMeta {
  return { metadata: metadataPatchMeta, ...fields };
}

const str = (description: string): OpenAPISchema => ({ type: "string", description });
const stringMap = (description: string): OpenAPISchema => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});
/** Base64 values (Go `map[string][]byte`). */
const bytesMap = (description: string): OpenAPISchema => ({
  type: "object",
  description,
  additionalProperties: { type: "string", format: "byte" },
});
const bool = (description: string): OpenAPISchema => ({ type: "boolean", description });

// ---------------------------------------------------------------- Namespace

/** The fields of a Namespace besides apiVersion, kind and metadata. */
export interface NamespaceFields {
  /** Spec: finalizers that must run before the namespace is removed. */
  spec?: { finalizers?: string[] };
  /** Status: `Active` or `Terminating`. */
  status?: {
    phase?: "Active" | "Terminating";
    conditions?: {
      type: string;
      status: string;
      lastTransitionTime?: string;
      reason?: string;
      message?: string;
    }[];
  };
}

/** A Namespace, as in core/v1. */
export interface Namespace extends KubeObject, NamespaceFields {}

/** The finalizer the namespace lifecycle controller removes once a namespace is empty. */
export const NAMESPACE_FINALIZER = "kubernetes";

/** Namespaces that exist in a new store and may not be deleted. */
export const PROTECTED_NAMESPACES: readonly string[] = ["default"];

/** Namespace (core/v1, cluster-scoped, short name `ns`). */
export const Namespace: Kind<Namespace, ObjectInput & NamespaceFields> = defineObjectKind({
  group: "",
  version: "v1",
  kind: "Namespace",
  shortNames: ["ns"],
  scope: "Cluster",
  nameValidation: "label",
  statusSubresource: true,
  selectableFields: ["status.phase"],
  schema: openAPISchema<NamespaceFields>({
    type: "object",
    title: "Namespace",
    description: docs.Namespace[""],
    properties: {
      spec: {
        type: "object",
        title: "NamespaceSpec",
        description: docs.Namespace.spec,
        properties: {
          finalizers: {
            type: "array",
            description: docs.NamespaceSpec.finalizers,
            items: { type: "string" },
          },
        },
      },
      status: {
        type: "object",
        title: "NamespaceStatus",
        description: docs.Namespace.status,
        properties: {
          phase: {
            type: "string",
            enum: ["Active", "Terminating"],
            description: docs.NamespaceStatus.phase,
          },
          conditions: {
            type: "array",
            description: docs.NamespaceStatus.conditions,
            items: {
              type: "object",
              title: "NamespaceCondition",
              description: docs.NamespaceCondition[""],
              required: ["type", "status"],
              properties: {
                type: str(docs.NamespaceCondition.type),
                status: str(docs.NamespaceCondition.status),
                lastTransitionTime: str(docs.NamespaceCondition.lastTransitionTime),
                reason: str(docs.NamespaceCondition.reason),
                message: str(docs.NamespaceCondition.message),
              },
            },
          },
        },
      },
    },
  }),
  patchMeta: withMetadata({
    spec: { fields: { finalizers: {} } },
    status: { fields: { conditions: { patchStrategy: "merge", patchMergeKey: "type" } } },
  }),
  prepare(obj, old) {
    const ns = obj as Namespace;
    const labels = ns.metadata.labels ?? (ns.metadata.labels = {});
    labels["kubernetes.io/metadata.name"] = ns.metadata.name ?? "";
    if (!old) {
      const fins = ns.spec?.finalizers ?? [];
      if (!fins.includes(NAMESPACE_FINALIZER)) fins.push(NAMESPACE_FINALIZER);
      ns.spec = { ...ns.spec, finalizers: fins };
      ns.status = { phase: "Active" };
    }
  },
  validate(obj) {
    const fins = (obj as Namespace).spec?.finalizers ?? [];
    return fins.flatMap((f) => validateFinalizerName(f, "spec.finalizers")); // kube: no index
  },
}) as unknown as Kind<Namespace, ObjectInput & NamespaceFields>;

// ---------------------------------------------------------------- ConfigMap

/** The fields of a ConfigMap besides apiVersion, kind and metadata. */
export interface ConfigMapFields {
  /** UTF-8 values. */
  data?: Record<string, string>;
  /** Binary values, base64-encoded. */
  binaryData?: Record<string, string>;
  /** If true, data cannot change and the flag cannot be unset. */
  immutable?: boolean;
}

/** A ConfigMap, as in core/v1. */
export interface ConfigMap extends KubeObject, ConfigMapFields {}

/** What create accepts for a ConfigMap. */
export type ConfigMapInput = ObjectInput & ConfigMapFields;

/** ConfigMap (core/v1, namespaced, short name `cm`). */
export const ConfigMap: Kind<ConfigMap, ConfigMapInput> = defineObjectKind({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  shortNames: ["cm"],
  schema: openAPISchema<ConfigMapFields>({
    type: "object",
    title: "ConfigMap",
    description: docs.ConfigMap[""],
    properties: {
      data: stringMap(docs.ConfigMap.data),
      binaryData: bytesMap(docs.ConfigMap.binaryData),
      immutable: bool(docs.ConfigMap.immutable),
    },
  }),
  patchMeta: withMetadata(),
  validate(obj, old) {
    const cm = obj as ConfigMap;
    const errs: FieldError[] = [];
    let size = validateKeys(cm.data, "data", errs);
    size += validateKeys(cm.binaryData, "binaryData", errs);
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
      if (cm.data && k in cm.data) {
        errs.push(field.invalid(`data[${k}]`, k, "duplicate of key present in binaryData"));
      }
      if (!BASE64_RE.test(v)) {
        errs.push(field.invalid(`binaryData[${k}]`, "<value omitted>", "illegal base64 data"));
      }
    }
    if (size > MAX_DATA_BYTES) {
      errs.push(field.tooLong("data", `may not be more than ${MAX_DATA_BYTES} bytes`));
    }
    return [...errs, ...immutableErrors(cm, old as ConfigMap | undefined)];
  },
}) as unknown as Kind<ConfigMap, ConfigMapInput>;

// ---------------------------------------------------------------- Secret

/** The fields of a Secret besides apiVersion, kind and metadata. */
export interface SecretFields {
  /** Values, base64-encoded. */
  data?: Record<string, string>;
  /** Write-only plain values merged into `data` by the server. */
  stringData?: Record<string, string>;
  /** Secret type, default `Opaque`. */
  type?: string;
  /** If true, data cannot change and the flag cannot be unset. */
  immutable?: boolean;
}

/** A Secret, as in core/v1. */
export interface Secret extends KubeObject, SecretFields {}

/** What create accepts for a Secret. */
export type SecretInput = ObjectInput & SecretFields;

function b64encodeUtf8(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

function b64decodedLength(v: string): number {
  const pad = v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0;
  return (v.length / 4) * 3 - pad;
}

const SECRET_TYPE_KEYS: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
};

/** Secret (core/v1, namespaced). `stringData` is merged into `data` on write. */
export const Secret: Kind<Secret, SecretInput> = defineObjectKind({
  group: "",
  version: "v1",
  kind: "Secret",
  schema: openAPISchema<SecretFields>({
    type: "object",
    title: "Secret",
    description: docs.Secret[""],
    properties: {
      data: bytesMap(docs.Secret.data),
      stringData: stringMap(docs.Secret.stringData),
      type: {
        type: "string",
        default: "Opaque",
        description: docs.Secret.type,
      },
      immutable: bool(docs.Secret.immutable),
    },
  }),
  selectableFields: ["type"],
  patchMeta: withMetadata(),
  prepare(obj) {
    const s = obj as Secret;
    if (s.stringData && typeof s.stringData === "object") {
      const data: Record<string, string> = { ...(s.data ?? {}) };
      for (const [k, v] of Object.entries(s.stringData)) {
        if (typeof v === "string") data[k] = b64encodeUtf8(v);
      }
      s.data = data;
      delete s.stringData;
    }
  },
  validate(obj, old) {
    const s = obj as Secret;
    const errs: FieldError[] = [];
    validateKeys(s.data, "data", errs);
    let size = 0;
    for (const [k, v] of Object.entries(s.data ?? {})) {
      if (!BASE64_RE.test(v)) {
        errs.push(field.invalid(`data[${k}]`, "<secret contents redacted>", "illegal base64 data"));
      } else size += b64decodedLength(v);
    }
    if (size > MAX_DATA_BYTES) {
      errs.push(field.tooLong("data", `may not be more than ${MAX_DATA_BYTES} bytes`));
    }
    const type = s.type ?? "Opaque";
    for (const key of SECRET_TYPE_KEYS[type] ?? []) {
      if (!s.data || !(key in s.data)) errs.push(field.required(`data[${key}]`));
    }
    if (type === "kubernetes.io/basic-auth" && s.data) {
      if (!("username" in s.data) && !("password" in s.data)) {
        errs.push(field.required("data[username]"));
      }
    }
    if (type === "kubernetes.io/service-account-token") {
      if (!s.metadata.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(field.required("metadata.annotations[kubernetes.io/service-account.name]"));
      }
    }
    const prev = old as Secret | undefined;
    if (prev && (prev.type ?? "Opaque") !== type) {
      errs.push(field.invalid("type", type, "field is immutable"));
    }
    return [...errs, ...immutableErrors({ immutable: s.immutable, data: s.data }, prev)];
  },
}) as unknown as Kind<Secret, SecretInput>;

// ---------------------------------------------------------------- ServiceAccount

/** A reference to another object, as in core/v1 ObjectReference. */
export interface ObjectReference {
  /** Kind of the referent. */
  kind?: string;
  /** Namespace of the referent. */
  namespace?: string;
  /** Name of the referent. */
  name?: string;
  /** UID of the referent. */
  uid?: string;
  /** API version of the referent. */
  apiVersion?: string;
  /** Specific resourceVersion the reference is to. */
  resourceVersion?: string;
  /** A field within the referent, e.g. `spec.containers{app}`. */
  fieldPath?: string;
}

const objectReference = (description: string): OpenAPISchema => ({
  type: "object",
  title: "ObjectReference",
  description,
  properties: {
    kind: str(docs.ObjectReference.kind),
    namespace: str(docs.ObjectReference.namespace),
    name: str(docs.ObjectReference.name),
    uid: str(docs.ObjectReference.uid),
    apiVersion: str(docs.ObjectReference.apiVersion),
    resourceVersion: str(docs.ObjectReference.resourceVersion),
    fieldPath: str(docs.ObjectReference.fieldPath),
  },
});

/** The fields of a ServiceAccount besides apiVersion, kind and metadata. */
export interface ServiceAccountFields {
  /** Secrets the account may use. */
  secrets?: ObjectReference[];
  /** Image pull secrets. */
  imagePullSecrets?: { name?: string }[];
  /** Whether pods mount the token automatically. */
  automountServiceAccountToken?: boolean;
}

/** A ServiceAccount, as in core/v1. */
export interface ServiceAccount extends KubeObject, ServiceAccountFields {}

/** ServiceAccount (core/v1, namespaced, short name `sa`). */
export const ServiceAccount: Kind<
  ServiceAccount,
  ObjectInput & ServiceAccountFields
> = defineObjectKind({
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  shortNames: ["sa"],
  schema: openAPISchema<ServiceAccountFields>({
    type: "object",
    title: "ServiceAccount",
    description: docs.ServiceAccount[""],
    properties: {
      secrets: {
        type: "array",
        description: docs.ServiceAccount.secrets,
        items: objectReference(docs.ObjectReference[""]),
      },
      imagePullSecrets: {
        type: "array",
        description: docs.ServiceAccount.imagePullSecrets,
        items: {
          type: "object",
          title: "LocalObjectReference",
          description: docs.LocalObjectReference[""],
          properties: { name: str(docs.LocalObjectReference.name) },
        },
      },
      automountServiceAccountToken: bool(docs.ServiceAccount.automountServiceAccountToken),
    },
  }),
  patchMeta: withMetadata({
    secrets: { patchStrategy: "merge", patchMergeKey: "name" },
  }),
}) as unknown as Kind<ServiceAccount, ObjectInput & ServiceAccountFields>;

// ---------------------------------------------------------------- Event

/** The fields of an Event besides apiVersion, kind and metadata. */
export interface EventFields {
  /** The object this event is about. */
  involvedObject: ObjectReference;
  /** Short, machine-understandable reason (UpperCamelCase). */
  reason?: string;
  /** Human-readable description. */
  message?: string;
  /** Component reporting the event. */
  source?: { component?: string; host?: string };
  /** First time the event was seen. */
  firstTimestamp?: string;
  /** Last time the event was seen. */
  lastTimestamp?: string;
  /** Times the event has occurred. */
  count?: number;
  /** `Normal` or `Warning`. */
  type?: string;
  /** Time the event was first observed (MicroTime). */
  eventTime?: string;
  /** Data about the series this event belongs to. */
  series?: { count?: number; lastObservedTime?: string };
  /** What action was taken or failed. */
  action?: string;
  /** A secondary object. */
  related?: ObjectReference;
  /** Controller that emitted the event. */
  reportingComponent?: string;
  /** Instance of that controller. */
  reportingInstance?: string;
}

/** An Event, as in core/v1. */
export interface Event extends KubeObject, EventFields {}

/** Event (core/v1, namespaced, short name `ev`). */
export const Event: Kind<Event, ObjectInput & EventFields> = defineObjectKind({
  group: "",
  version: "v1",
  kind: "Event",
  shortNames: ["ev"],
  schema: openAPISchema<EventFields>({
    type: "object",
    title: "Event",
    description: docs.Event[""],
    required: ["involvedObject"],
    properties: {
      involvedObject: objectReference(docs.Event.involvedObject),
      reason: str(docs.Event.reason),
      message: str(docs.Event.message),
      source: {
        type: "object",
        title: "EventSource",
        description: docs.Event.source,
        properties: {
          component: str(docs.EventSource.component),
          host: str(docs.EventSource.host),
        },
      },
      firstTimestamp: str(docs.Event.firstTimestamp),
      lastTimestamp: str(docs.Event.lastTimestamp),
      count: {
        type: "integer",
        format: "int32",
        description: docs.Event.count,
      },
      type: str(docs.Event.type),
      eventTime: str(docs.Event.eventTime),
      series: {
        type: "object",
        title: "EventSeries",
        description: docs.Event.series,
        properties: {
          count: {
            type: "integer",
            description: docs.EventSeries.count,
          },
          lastObservedTime: str(docs.EventSeries.lastObservedTime),
        },
      },
      action: str(docs.Event.action),
      related: objectReference(docs.Event.related),
      reportingComponent: str(docs.Event.reportingComponent),
      reportingInstance: str(docs.Event.reportingInstance),
    },
  }),
  selectableFields: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "type",
  ],
  // kube's event ToSelectableFields: source is the source component, else the reporting controller.
  fieldLabels: {
    source: (obj) => {
      const ev = obj as Event;
      return ev.source?.component || ev.reportingComponent || "";
    },
  },
  patchMeta: withMetadata(),
  validate(obj) {
    const ev = obj as Event;
    const errs: FieldError[] = [];
    const ns = ev.involvedObject?.namespace;
    if (ns && ns !== ev.metadata.namespace) {
      errs.push(field.invalid("involvedObject.namespace", ns, "does not match event.namespace"));
    }
    if (ev.type && ev.type !== "Normal" && ev.type !== "Warning") {
      errs.push(field.notSupported("type", ev.type, ["Normal", "Warning"]));
    }
    return errs;
  },
}) as unknown as Kind<Event, ObjectInput & EventFields>;

/** Every built-in core/v1 kind, in the order a new store registers them. */
export const coreV1Kinds: readonly Kind[] = [
  Namespace,
  ConfigMap,
  Secret,
  ServiceAccount,
  Event,
] as unknown as Kind[];

/** Metadata helper type re-exported for convenience. */
export type { ObjectMeta };
