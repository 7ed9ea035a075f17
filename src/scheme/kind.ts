/**
 * Kinds are data: group, version, names, scope, a zod schema for the
 * object's fields, printer columns, selectable fields and validation rules.
 * User kinds ({@linkcode defineKind}) and built-in kinds
 * ({@linkcode defineObjectKind}) go through the same path.
 *
 * @module
 */
import type { FieldError } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import type { PatchMeta } from "../apimachinery/strategic_merge_patch.ts";

/** The result of {@linkcode Schema.safeParse}. */
export type SchemaParseResult<O> =
  | {
    success: true;
    data: O;
    error?: undefined;
    /**
     * Where members of the input were dropped (`spec.foo`, `spec.items[0].x`),
     * when the schema knows: the registry then reports unknown fields from
     * these instead of comparing input and output.
     */
    dropped?: readonly string[];
  }
  | { success: false; data?: undefined; error: { issues: readonly unknown[] } };

/**
 * What a kind needs of a schema: the shape of a zod 4 schema (any
 * `z.object(...)` fits), declared here so the public API does not depend on
 * zod's internal types.
 */
export interface Schema<O = unknown, I = unknown> {
  /** zod's type-level carrier of the output and input types. */
  readonly _zod: { readonly output: O; readonly input: I };
  /** Validates and defaults `data`. */
  safeParse(data: unknown): SchemaParseResult<O>;
  /**
   * The schema as JSON Schema, for `explain` (zod schemas and
   * `openAPISchema` ones have it).
   */
  toJSONSchema?(params?: { io?: "input" | "output"; unrepresentable?: "any" | "throw" }): unknown;
}

/** The parsed (defaulted) type of a schema. */
export type SchemaOutput<S> = S extends { readonly _zod: { readonly output: infer O } } ? O
  : never;
/** The accepted input type of a schema. */
export type SchemaInput<S> = S extends { readonly _zod: { readonly input: infer I } } ? I
  : never;

/** Whether objects of a kind live in a namespace or in the cluster. */
export type Scope = "Namespaced" | "Cluster";

/** A column of `kubectl get` output, as in a CRD's additionalPrinterColumns. */
export interface PrinterColumn {
  /** Column header (upper-cased when printed). */
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: "string" | "integer" | "number" | "boolean" | "date";
  /** JSONPath into the object, e.g. `.spec.quantity`. */
  jsonPath: string;
  /** Shown only with `-o wide` when > 0. */
  priority?: number;
  /** Human-readable description. */
  description?: string;
  /** OpenAPI format hint. */
  format?: string;
}

/** Rules a kind adds to the generic ones, run on create and update. */
export type ValidateFn<T> = (obj: T, old: T | undefined) => FieldError[];

/** A hook that normalises an object before validation (e.g. Secret stringData). */
export type PrepareFn<T> = (obj: T, old: T | undefined) => void;

/** What an admission rule may read: the objects currently stored. */
export interface AdmissionReader {
  /** Reads one object (rejects with NotFound when absent). */
  get<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    options?: { namespace?: string },
  ): Promise<T>;
  /** Lists objects. */
  list<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options?: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Promise<{ items: T[] }>;
}

/**
 * An admission rule: runs on create and update (not on status writes) after
 * validation, may read other objects, and returns a reason to refuse the
 * request (or nothing to admit it).
 */
export type AdmitFn<T> = (
  obj: T,
  old: T | undefined,
  reader: AdmissionReader,
) => string | undefined | void | Promise<string | undefined | void>;

/**
 * A CEL validation rule, as a CRD's `x-kubernetes-validations` entry holds
 * it. On a kind, the rules apply to the whole object (`self` is the object).
 */
export interface ValidationRule {
  /** The CEL expression; true means valid. */
  rule: string;
  /** The message when the rule fails (default: the rule text). */
  message?: string;
  /** A CEL expression that returns the message. */
  messageExpression?: string;
  /** A JSONPath-like path of the field the failure is reported on, relative to `self`. */
  fieldPath?: string;
  /** `FieldValueInvalid` (default), `FieldValueForbidden`, `FieldValueRequired` or `FieldValueDuplicate`. */
  reason?: string;
  /** Whether a transition rule runs on create too, with `oldSelf` an optional. */
  optionalOldSelf?: boolean;
}

/**
 * How the versions of one kind share storage: every version of the kind
 * declares the same storage version and a conversion between versions, as a
 * CustomResourceDefinition's versions do.
 */
export interface KindConversion {
  /** The version objects are stored in, e.g. `v1`. */
  readonly storageVersion: string;
  /**
   * Converts an object of any version of the kind to `apiVersion` (the
   * kind's group and one of its versions). It may return `obj` changed.
   */
  convert(obj: KubeObject, apiVersion: string): KubeObject;
}

/** Where an object keeps its replica counts: a CRD's `subresources.scale`. */
export interface ScaleSubresource {
  /** Path of the desired replicas, e.g. `.spec.replicas`. */
  readonly specReplicasPath: string;
  /** Path of the observed replicas, e.g. `.status.replicas`. */
  readonly statusReplicasPath: string;
  /** Path of the serialized label selector, e.g. `.status.selector`. */
  readonly labelSelectorPath?: string;
}

/** How object names of a kind are validated. */
export type NameValidation = "subdomain" | "label";

/**
 * A kind: everything the registry, the client and the CLI need to know about
 * one type of object. `T` is the object type returned by reads, `In` what
 * create and update accept (defaults may be omitted).
 */
export interface Kind<T extends KubeObject = KubeObject, In = unknown> {
  /** API group; "" for the core group. */
  readonly group: string;
  /** API version within the group, e.g. `v1`. */
  readonly version: string;
  /** `group/version`, or `version` for the core group. */
  readonly apiVersion: string;
  /** Kind name, e.g. `ConfigMap`. */
  readonly kind: string;
  /** Kind of lists, e.g. `ConfigMapList`. */
  readonly listKind: string;
  /** Plural resource name, e.g. `configmaps`. */
  readonly plural: string;
  /** Singular resource name, e.g. `configmap`. */
  readonly singular: string;
  /** Short names, e.g. `cm`. */
  readonly shortNames: readonly string[];
  /** Categories, e.g. `all`. */
  readonly categories: readonly string[];
  /** Namespaced or cluster-scoped. */
  readonly scope: Scope;
  /** Schema of the top-level fields other than apiVersion, kind and metadata. */
  readonly schema: Schema;
  /** True when `status` is a subresource (main updates keep it, status updates touch only it). */
  readonly statusSubresource: boolean;
  /** True when the server tracks `metadata.generation` (bumped on changes outside metadata and status). */
  readonly generation: boolean;
  /** Printer columns for `get`. */
  readonly printerColumns: readonly PrinterColumn[];
  /** Field paths usable in field selectors besides metadata.name and metadata.namespace. */
  readonly selectableFields: readonly string[];
  /**
   * Field selector labels whose value is computed from the object rather
   * than read at a path (kube's `ToSelectableFields`), e.g. an Event's
   * `source`: `source.component`, else `reportingComponent`.
   */
  readonly fieldLabels?: Readonly<Record<string, (obj: KubeObject) => string | undefined>>;
  /** Field paths (e.g. `spec.category`) that may not change after creation. */
  readonly immutableFields: readonly string[];
  /** How `metadata.name` is validated. */
  readonly nameValidation: NameValidation;
  /**
   * Whether an update without a resourceVersion (or with `"0"`) is applied
   * to whatever is stored; otherwise it is refused ("must be specified for
   * an update"), as for custom resources in kube-apiserver.
   */
  readonly allowUnconditionalUpdate: boolean;
  /** Strategic merge patch metadata; kinds without it refuse strategic merge patches. */
  readonly patchMeta?: PatchMeta;
  /** CEL rules over the whole object (they go into the kind's exported CRD). */
  readonly validations?: readonly ValidationRule[];
  /** The scale subresource, when the kind has one. */
  readonly scale?: ScaleSubresource;
  /**
   * Set when this version is deprecated: the warning every request to it
   * gets (a `Warning` header over HTTP, `onWarning` of writes in-process).
   */
  readonly deprecationWarning?: string;
  /**
   * Storage and conversion shared by the versions of this kind; without it a
   * kind has one version.
   */
  readonly conversion?: KindConversion;
  /** Runs on every object read from the store (after conversion), e.g. to apply schema defaults. */
  defaultOnRead?(obj: T): void;
  /**
   * Prepares what the kind's other hooks need (code loaded on demand, say);
   * awaited before every write of the kind. Should be cheap once done.
   */
  load?(): Promise<void>;
  /**
   * Runs on a copy of an object on the first request to delete it (no
   * deletionTimestamp yet; `now` is the registry clock's time in ms): it may
   * add finalizers and set conditions, as the
   * CustomResourceDefinition strategy adds its cleanup finalizer.
   */
  beforeDelete?(obj: T, now: number): void;
  /** Kind-specific validation (method syntax keeps kinds assignable to `Kind`). */
  validate?(obj: T, old: T | undefined): FieldError[];
  /**
   * Validation of a status write, when it differs from {@linkcode Kind.validate}
   * (a CRD's status strategy checks the status against its own schema).
   */
  validateStatus?(obj: T, old: T): FieldError[];
  /** Kind-specific normalisation before defaulting and validation. */
  prepare?(obj: T, old: T | undefined): void;
  /** Admission rule that may read other objects; a returned reason refuses with 403 Forbidden. */
  admit?(obj: T, old: T | undefined, reader: AdmissionReader): ReturnType<AdmitFn<T>>;
  /** Type-only marker; never set at run time. */
  readonly __types?: { out: T; in: In };
}

/** Options shared by {@linkcode defineKind} and {@linkcode defineObjectKind}. */
export interface KindOptionsBase<T> {
  /** API group, e.g. `inventory.k1s.dev`; "" for core. */
  group: string;
  /** Version, e.g. `v1alpha1`. */
  version: string;
  /** Kind, e.g. `Item` (UpperCamelCase). */
  kind: string;
  /** Plural resource name; defaults to the lower-cased kind + `s` (`es` after s/x/ch/sh, `ies` after consonant+y). */
  plural?: string;
  /** Singular resource name; defaults to the lower-cased kind. */
  singular?: string;
  /** Short names. */
  shortNames?: string[];
  /** Categories (e.g. `all`). */
  categories?: string[];
  /** Scope; default `Namespaced`. */
  scope?: Scope;
  /** Printer columns. */
  printerColumns?: PrinterColumn[];
  /** Selectable fields (JSON paths such as `spec.category`). */
  selectableFields?: string[];
  /** Field selector labels computed from the object (see {@linkcode Kind.fieldLabels}). */
  fieldLabels?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Fields that may not change once set at creation (dotted paths such as `spec.category`). */
  immutableFields?: string[];
  /** CEL rules over the whole object (`self`), as a CRD's `x-kubernetes-validations`. */
  validations?: ValidationRule[];
  /** The scale subresource (see {@linkcode ScaleSubresource}). */
  scale?: ScaleSubresource;
  /** Marks this version deprecated, with the warning its requests get. */
  deprecationWarning?: string;
  /** Storage and conversion shared with the kind's other versions (see {@linkcode KindConversion}). */
  conversion?: KindConversion;
  /** Normalisation of objects read from the store. */
  defaultOnRead?: (obj: T) => void;
  /** Changes on the first request to delete (see {@linkcode Kind.beforeDelete}). */
  beforeDelete?: (obj: T, now: number) => void;
  /** Loads what the hooks need before a write (see {@linkcode Kind.load}). */
  load?: () => Promise<void>;
  /** Validation rules beyond the schema. */
  validate?: ValidateFn<T>;
  /** Validation of status writes, when it differs (see {@linkcode Kind.validateStatus}). */
  validateStatus?: (obj: T, old: T) => FieldError[];
  /** Normalisation before defaulting/validation. */
  prepare?: PrepareFn<T>;
  /** Admission rule reading other objects (e.g. "the referenced category must exist"). */
  admit?: AdmitFn<T>;
  /** Strategic merge patch metadata. */
  patchMeta?: PatchMeta;
  /** Name validation; default `subdomain`. */
  nameValidation?: NameValidation;
  /**
   * Whether an update may omit the resourceVersion. Default: false for
   * {@linkcode defineKind} (as custom resources), true for
   * {@linkcode defineObjectKind} (as the built-in kinds).
   */
  allowUnconditionalUpdate?: boolean;
}

/** A custom object with spec and status. */
export interface CustomObject<Spec, Status> extends KubeObject {
  /** Desired state. */
  spec: Spec;
  /** Observed state. */
  status?: Status;
}

/** What create accepts for a {@linkcode CustomObject}: defaults may be omitted. */
export interface CustomObjectInput<Spec, Status> {
  /** Optional; filled in from the kind. */
  apiVersion?: string;
  /** Optional; filled in from the kind. */
  kind?: string;
  /** Metadata. */
  metadata: ObjectMeta;
  /** Desired state. */
  spec: Spec;
  /** Observed state. */
  status?: Status;
}

/** Options of {@linkcode defineKind}. */
export interface DefineKindOptions<
  Spec extends Schema,
  Status extends Schema,
> extends KindOptionsBase<CustomObject<SchemaOutput<Spec>, SchemaOutput<Status>>> {
  /** Schema of `spec` (zod; defaults apply). */
  spec: Spec;
  /** Schema of `status`; when given, status is a subresource. */
  status?: Status;
}

/** The Kind type produced by {@linkcode defineKind}. */
export type CustomKind<Spec extends Schema, Status extends Schema> = Kind<
  CustomObject<SchemaOutput<Spec>, SchemaOutput<Status>>,
  CustomObjectInput<SchemaInput<Spec>, SchemaInput<Status>>
>;

/** Default plural of a kind, following the rules kubectl and CRD tooling use. */
export function defaultPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return k + "es";
  if (/[^aeiou]y$/.test(k)) return k.slice(0, -1) + "ies";
  return k + "s";
}

const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;
const PLURAL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const GROUP_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION_RE = /^v[0-9]+((alpha|beta)[0-9]+)?$/;

function build<T extends KubeObject, In>(
  o: KindOptionsBase<T>,
  schema: Schema,
  statusSubresource: boolean,
  generation: boolean,
  allowUnconditionalUpdate: boolean,
): Kind<T, In> {
  if (!KIND_RE.test(o.kind)) {
    throw new TypeError(`kind "${o.kind}" must be UpperCamelCase alphanumeric`);
  }
  if (o.group !== "" && !GROUP_RE.test(o.group)) {
    throw new TypeError(`group "${o.group}" must be a DNS subdomain`);
  }
  if (!VERSION_RE.test(o.version)) {
    throw new TypeError(`version "${o.version}" must look like v1, v1beta1 or v2alpha3`);
  }
  const plural = o.plural ?? defaultPlural(o.kind);
  const singular = o.singular ?? o.kind.toLowerCase();
  for (const n of [plural, singular, ...(o.shortNames ?? [])]) {
    if (!PLURAL_RE.test(n)) {
      throw new TypeError(`resource name "${n}" of kind ${o.kind} must be a DNS-1123 label`);
    }
  }
  return {
    group: o.group,
    version: o.version,
    apiVersion: o.group ? `${o.group}/${o.version}` : o.version,
    kind: o.kind,
    listKind: `${o.kind}List`,
    plural,
    singular,
    shortNames: Object.freeze([...(o.shortNames ?? [])]),
    categories: Object.freeze([...(o.categories ?? [])]),
    scope: o.scope ?? "Namespaced",
    schema,
    statusSubresource,
    generation,
    printerColumns: Object.freeze([...(o.printerColumns ?? [])]),
    selectableFields: Object.freeze([...(o.selectableFields ?? [])]),
    fieldLabels: o.fieldLabels ? Object.freeze({ ...o.fieldLabels }) : undefined,
    immutableFields: Object.freeze([...(o.immutableFields ?? [])]),
    nameValidation: o.nameValidation ?? "subdomain",
    allowUnconditionalUpdate: o.allowUnconditionalUpdate ?? allowUnconditionalUpdate,
    patchMeta: o.patchMeta,
    validations: o.validations ? Object.freeze(o.validations.map((r) => ({ ...r }))) : undefined,
    scale: o.scale ? Object.freeze({ ...o.scale }) : undefined,
    deprecationWarning: o.deprecationWarning,
    conversion: o.conversion,
    defaultOnRead: o.defaultOnRead,
    beforeDelete: o.beforeDelete,
    load: o.load,
    validate: o.validate,
    validateStatus: o.validateStatus,
    prepare: o.prepare,
    admit: o.admit,
  };
}

/**
 * Defines a user kind with a zod schema for `spec` and (optionally)
 * `status`. Status becomes a subresource, and `metadata.generation` tracks
 * spec changes, as for a CustomResourceDefinition with
 * `subresources.status`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineKind } from "./kind.ts";
 * import assert from "node:assert/strict";
 *
 * const Item = defineKind({
 *   group: "inventory.k1s.dev",
 *   version: "v1alpha1",
 *   kind: "Item",
 *   shortNames: ["itm"],
 *   spec: z.object({ quantity: z.number().int().min(0).default(1) }),
 *   status: z.object({ ready: z.boolean().optional() }),
 * });
 * assert.equal(Item.plural, "items");
 * assert.equal(Item.apiVersion, "inventory.k1s.dev/v1alpha1");
 * ```
 */
export function defineKind<Spec extends Schema, Status extends Schema = Schema<never, never>>(
  options: DefineKindOptions<Spec, Status>,
): CustomKind<Spec, Status> {
  const schema = new SpecStatusSchema(options.spec, options.status);
  return build(options, schema, options.status !== undefined, true, false);
}

type Issue = { path?: (string | number)[] };

/**
 * The schema of a custom object's fields: `spec` (required) and `status`
 * (optional), each validated by its own schema; other fields are dropped, as
 * for a structural CRD schema. Issues carry the full path (`spec.quantity`).
 */
class SpecStatusSchema implements Schema {
  declare readonly _zod: { readonly output: unknown; readonly input: unknown };
  readonly #spec: Schema;
  readonly #status?: Schema;

  constructor(spec: Schema, status?: Schema) {
    this.#spec = spec;
    this.#status = status;
  }

  safeParse(data: unknown): SchemaParseResult<unknown> {
    const input = (data ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const issues: unknown[] = [];
    const parts: [string, Schema | undefined][] = [["spec", this.#spec], ["status", this.#status]];
    for (const [key, schema] of parts) {
      if (!schema || (key === "status" && input.status === undefined)) continue;
      const r = schema.safeParse(input[key]);
      if (r.success) out[key] = r.data;
      else {
        for (const issue of r.error.issues as Issue[]) {
          issues.push({ ...issue, path: [key, ...(issue.path ?? [])] });
        }
      }
    }
    return issues.length === 0
      ? { success: true, data: out }
      : { success: false, error: { issues } };
  }

  toJSONSchema(params?: { io?: "input" | "output"; unrepresentable?: "any" | "throw" }): unknown {
    const defs: Record<string, unknown> = {};
    const part = (key: string, schema: Schema) => {
      const json = (schema.toJSONSchema?.(params) ?? {}) as Record<string, unknown>;
      const { $schema: _, $defs, ...rest } = json;
      // Local references of each part move under a prefix in the combined document.
      const text = JSON.stringify(rest).replaceAll('"#/$defs/', `"#/$defs/${key}.`)
        .replaceAll('"$ref":"#"', `"$ref":"#/properties/${key}"`);
      for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
        defs[`${key}.${name}`] = JSON.parse(
          JSON.stringify(def).replaceAll('"#/$defs/', `"#/$defs/${key}.`),
        );
      }
      return JSON.parse(text);
    };
    const properties: Record<string, unknown> = { spec: part("spec", this.#spec) };
    if (this.#status) properties.status = part("status", this.#status);
    return {
      type: "object",
      properties,
      required: ["spec"],
      ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
    };
  }
}

/** The common part of what create accepts: apiVersion and kind may be omitted. */
export interface ObjectInput {
  /** Optional; filled in from the kind. */
  apiVersion?: string;
  /** Optional; filled in from the kind. */
  kind?: string;
  /** Metadata. */
  metadata: ObjectMeta;
}

/** Options of {@linkcode defineObjectKind}. */
export interface DefineObjectKindOptions<Body extends Schema>
  extends KindOptionsBase<KubeObject & SchemaOutput<Body>> {
  /** Schema of all top-level fields except apiVersion, kind and metadata. */
  schema: Body;
  /** True when `status` is a subresource. */
  statusSubresource?: boolean;
  /** True when the server tracks `metadata.generation`. Default false. */
  generation?: boolean;
}

/**
 * Defines a kind whose fields are not split into spec and status, such as
 * ConfigMap (`data`, `binaryData`, `immutable`). Built-in kinds use this.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineObjectKind } from "./kind.ts";
 * import assert from "node:assert/strict";
 *
 * const Note = defineObjectKind({
 *   group: "notes.example.com",
 *   version: "v1",
 *   kind: "Note",
 *   schema: z.object({ text: z.string() }),
 * });
 * assert.equal(Note.listKind, "NoteList");
 * ```
 */
export function defineObjectKind<Body extends Schema>(
  options: DefineObjectKindOptions<Body>,
): Kind<KubeObject & SchemaOutput<Body>, ObjectInput & SchemaInput<Body>> {
  return build(
    options,
    options.schema,
    options.statusSubresource ?? false,
    options.generation ?? false,
    true,
  );
}

/** The object type of a kind. */
export type ObjectOf<K> = K extends Kind<infer T, infer _In> ? T : never;
/** The input type of a kind. */
export type InputOf<K> = K extends Kind<infer _T, infer In> ? In : never;
