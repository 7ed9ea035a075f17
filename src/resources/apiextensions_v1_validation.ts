/**
 * The static validation kube-apiserver gives a CustomResourceDefinition
 * (`ValidateCustomResourceDefinition` and `ValidateCustomResourceDefinitionUpdate`
 * of apiextensions-apiserver), for the kind in `apiextensions_v1.ts`; error
 * paths follow kube's internal form (see that module).
 *
 * @module
 */
import { isObject } from "../apimachinery/json_value.ts";
import { field, type FieldError } from "../apimachinery/errors.ts";
import { isDNS1035Label, isDNS1123Subdomain } from "../apimachinery/validation.ts";
import type {
  CustomResourceColumnDefinition,
  CustomResourceConversion,
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionVersion,
  CustomResourceSubresources,
  CustomResourceValidation,
  WebhookClientConfig,
} from "./apiextensions_v1.ts";
// ---------------------------------------------------------------- helpers

/** Deep equality of JSON values (kube's `apiequality.Semantic.DeepEqual` on these types). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ak = Object.keys(a).filter((k) => a[k] !== undefined);
  const bk = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => jsonEqual(a[k], b[k]));
}

const COLUMN_TYPES = ["boolean", "date", "integer", "number", "string"];
const COLUMN_FORMATS = [
  "byte",
  "date",
  "date-time",
  "double",
  "float",
  "int32",
  "int64",
  "password",
];
const ACCEPTED_REVIEW_VERSIONS = ["v1", "v1beta1"];
const API_APPROVAL_ANNOTATION = "api-approved.kubernetes.io";
const KEP_1111 = "https://github.com/kubernetes/enhancements/pull/1111";

/**
 * The CRD spec in kube's internal form: per-version fields that are equal in
 * every version at the top level (`Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_...`).
 */
interface InternalSpec {
  version: string;
  subresources?: CustomResourceSubresources;
  validation?: CustomResourceValidation;
  columns?: CustomResourceColumnDefinition[];
  perVersion: {
    subresources: boolean;
    validation: boolean;
    columns: boolean;
  };
}

function internalSpec(versions: CustomResourceDefinitionVersion[]): InternalSpec {
  const first = versions[0];
  // Semantic.DeepEqual treats an empty slice as nil.
  const norm = (x: unknown) => (x === undefined || (Array.isArray(x) && x.length === 0) ? null : x);
  const same = (get: (v: CustomResourceDefinitionVersion) => unknown) =>
    versions.every((v) => jsonEqual(norm(get(v)), norm(get(first))));
  const sub = versions.length > 0 && same((v) => v.subresources);
  const val = versions.length > 0 && same((v) => v.schema);
  const cols = versions.length > 0 && same((v) => v.additionalPrinterColumns);
  return {
    version: first?.name ?? "",
    subresources: sub ? first.subresources : undefined,
    validation: val ? first.schema : undefined,
    columns: cols ? first.additionalPrinterColumns : undefined,
    perVersion: { subresources: !sub, validation: !val, columns: !cols },
  };
}

/** A version as Go's JSON encoder prints kube's internal `CustomResourceDefinitionVersion`. */
function internalVersion(v: CustomResourceDefinitionVersion, spec: InternalSpec): unknown {
  const scale = v.subresources?.scale;
  const subresources = spec.perVersion.subresources && v.subresources
    ? {
      Status: v.subresources.status ? {} : null,
      Scale: scale
        ? {
          SpecReplicasPath: scale.specReplicasPath ?? "",
          StatusReplicasPath: scale.statusReplicasPath ?? "",
          LabelSelectorPath: scale.labelSelectorPath ?? null,
        }
        : null,
    }
    : null;
  const columns = spec.perVersion.columns && v.additionalPrinterColumns
    ? v.additionalPrinterColumns.map((c) => ({
      Name: c.name ?? "",
      Type: c.type ?? "",
      Format: c.format ?? "",
      Description: c.description ?? "",
      Priority: c.priority ?? 0,
      JSONPath: c.jsonPath ?? "",
    }))
    : null;
  return {
    Name: v.name ?? "",
    Served: v.served ?? false,
    Storage: v.storage ?? false,
    Deprecated: v.deprecated ?? false,
    DeprecationWarning: v.deprecationWarning ?? null,
    // The internal JSONSchemaProps prints with Go field names; shown here as sent.
    Schema: spec.perVersion.validation && v.schema
      ? { OpenAPIV3Schema: v.schema.openAPIV3Schema ?? null }
      : null,
    Subresources: subresources,
    AdditionalPrinterColumns: columns,
    SelectableFields: v.selectableFields
      ? v.selectableFields.map((f) => ({ JSONPath: f.jsonPath ?? "" }))
      : null,
  };
}

/** `validateEnumStrings`. */
function validateEnum(path: string, value: string | undefined, accepted: string[]): FieldError[] {
  if (!value) return [field.required(path, "")];
  return accepted.includes(value) ? [] : [field.notSupported(path, value, accepted)];
}

/** `validateSimpleJSONPath`. */
function validateSimpleJSONPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [field.invalid(path, s, "must not be empty")];
  if (s[0] !== ".") return [field.invalid(path, s, "must be a simple json path starting with .")];
  return [];
}

/** `ValidateCustomResourceDefinitionSubresources`. */
function validateSubresources(
  sub: CustomResourceSubresources | undefined,
  path: string,
): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const under = (p: string | undefined, key: string, prefixes: string[], where: string) => {
    const at = `${path}.scale.${key}`;
    if (!p) {
      errs.push(field.required(at, ""));
      return;
    }
    const pathErrs = validateSimpleJSONPath(p, at);
    if (pathErrs.length) errs.push(...pathErrs);
    else if (!prefixes.some((x) => p.startsWith(x))) {
      errs.push(field.invalid(at, p, `should be a json path under ${where}`));
    }
  };
  under(scale.specReplicasPath, "specReplicasPath", [".spec."], ".spec");
  under(scale.statusReplicasPath, "statusReplicasPath", [".status."], ".status");
  if (scale.labelSelectorPath) {
    under(
      scale.labelSelectorPath,
      "labelSelectorPath",
      [".spec.", ".status."],
      "either .spec or .status",
    );
  }
  return errs;
}

/** `ValidateCustomResourceColumnDefinition` (kube's internal path is `JSONPath`). */
function validateColumn(col: CustomResourceColumnDefinition, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!col.name) errs.push(field.required(`${path}.name`, ""));
  const types = `must be one of ${COLUMN_TYPES.join(",")}`;
  if (!col.type) errs.push(field.required(`${path}.type`, types));
  else if (!COLUMN_TYPES.includes(col.type)) {
    errs.push(field.invalid(`${path}.type`, col.type, types));
  }
  if (col.format && !COLUMN_FORMATS.includes(col.format)) {
    errs.push(
      field.invalid(`${path}.format`, col.format, `must be one of ${COLUMN_FORMATS.join(",")}`),
    );
  }
  if (!col.jsonPath) errs.push(field.required(`${path}.JSONPath`, ""));
  else errs.push(...validateSimpleJSONPath(col.jsonPath, `${path}.JSONPath`));
  return errs;
}

/** `validateDeprecationWarning`. */
function deprecationWarningErrors(deprecated: boolean, warning: string | undefined): string[] {
  if (!deprecated && warning !== undefined) return ["can only be set for deprecated versions"];
  if (warning === undefined) return [];
  const errs: string[] = [];
  const bytes = new TextEncoder().encode(warning).length;
  if (bytes > 256) errs.push("must be <= 256 characters long");
  if (warning.length === 0) errs.push("must not be an empty string");
  let index = 0;
  for (const ch of warning) {
    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      errs.push(
        `must only contain printable UTF-8 characters; non-printable character found at index ${index}`,
      );
      break;
    }
    index += new TextEncoder().encode(ch).length;
  }
  return errs;
}

/** `ValidateCustomResourceDefinitionNames`. */
function validateNames(
  names: Partial<CustomResourceDefinitionNames> | undefined,
  path: string,
): FieldError[] {
  const n = names ?? {};
  const errs: FieldError[] = [];
  const label = (value: string | undefined, key: string) => {
    if (!value) return;
    const msgs = isDNS1035Label(value);
    if (msgs.length) errs.push(field.invalid(`${path}.${key}`, value, msgs.join(",")));
  };
  const mixedCase = (value: string | undefined, key: string) => {
    if (!value) return;
    const msgs = isDNS1035Label(value.toLowerCase());
    if (msgs.length) {
      errs.push(
        field.invalid(
          `${path}.${key}`,
          value,
          `may have mixed case, but should otherwise match: ${msgs.join(",")}`,
        ),
      );
    }
  };
  label(n.plural, "plural");
  label(n.singular, "singular");
  mixedCase(n.kind, "kind");
  mixedCase(n.listKind, "listKind");
  (n.shortNames ?? []).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length) errs.push(field.invalid(`${path}.shortNames[${i}]`, s, msgs.join(",")));
  });
  if (n.kind && n.kind === n.listKind) {
    errs.push(
      field.invalid(`${path}.listKind`, n.listKind, "kind and listKind may not be the same"),
    );
  }
  (n.categories ?? []).forEach((c, i) => {
    const msgs = isDNS1035Label(c);
    if (msgs.length) errs.push(field.invalid(`${path}.categories[${i}]`, c, msgs.join(",")));
  });
  return errs;
}

/** Parses a URL the way Go's `url.Parse` splits it (scheme, user, host, query, fragment). */
function splitURL(raw: string) {
  let rest = raw;
  let fragment = "";
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest)?.[1] ?? "";
  if (scheme) rest = rest.slice(scheme.length + 1);
  let query = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = "";
  let user: string | undefined;
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    let authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      user = authority.slice(0, at);
      authority = authority.slice(at + 1);
    }
    host = authority;
  }
  return { scheme: scheme.toLowerCase(), host, user, query, fragment };
}

const URL_FORM = "; desired format: https://host[/path]";

/** `webhook.ValidateWebhookURL` (https required). */
function validateWebhookURL(url: string, path: string): FieldError[] {
  const u = splitURL(url);
  const errs: FieldError[] = [];
  if (u.scheme !== "https") {
    errs.push(field.invalid(path, u.scheme, "'https' is the only allowed URL scheme" + URL_FORM));
  }
  if (!u.host) errs.push(field.invalid(path, u.host, "host must be specified" + URL_FORM));
  if (u.user !== undefined) {
    errs.push(field.invalid(path, u.user, "user information is not permitted in the URL"));
  }
  if (u.fragment) {
    errs.push(field.invalid(path, u.fragment, "fragments are not permitted in the URL"));
  }
  if (u.query) {
    errs.push(field.invalid(path, u.query, "query parameters are not permitted in the URL"));
  }
  return errs;
}

/** `webhook.ValidateWebhookService`. */
function validateWebhookService(
  svc: NonNullable<WebhookClientConfig["service"]>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(field.required(`${path}.name`, ""));
  if (!svc.namespace) errs.push(field.required(`${path}.namespace`, ""));
  const port = svc.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errs.push(
      field.invalid(
        `${path}.port`,
        port,
        "port is not valid: must be between 1 and 65535, inclusive",
      ),
    );
  }
  const p = svc.path;
  if (p === undefined || p === "" || p === "/") return errs;
  if (p === "//") return [...errs, field.invalid(`${path}.path`, p, "segment[0] may not be empty")];
  if (!p.startsWith("/")) errs.push(field.invalid(`${path}.path`, p, "must start with a '/'"));
  let check = p.slice(1);
  if (check.endsWith("/")) check = check.slice(0, -1);
  check.split("/").forEach((step, i) => {
    if (!step) {
      errs.push(field.invalid(`${path}.path`, p, `segment[${i}] may not be empty`));
      return;
    }
    for (const msg of isDNS1123Subdomain(step)) {
      errs.push(field.invalid(`${path}.path`, p, `segment[${i}]: ${msg}`));
    }
  });
  return errs;
}

/** `validateConversionReviewVersions`. */
function validateReviewVersions(
  versions: string[] | undefined,
  requireRecognized: boolean,
  path: string,
): FieldError[] {
  if (!versions || versions.length === 0) return [field.required(path, "")];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(field.invalid(`${path}[${i}]`, v, "duplicate version"));
      return;
    }
    seen.add(v);
    for (const msg of isDNS1035Label(v)) errs.push(field.invalid(`${path}[${i}]`, v, msg));
    if (ACCEPTED_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) {
    errs.push(
      field.invalid(
        path,
        versions,
        `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(", ")}`,
      ),
    );
  }
  return errs;
}

/** `validateCustomResourceConversion`, on the internal fields (`webhookClientConfig`, ...). */
function validateConversion(
  conversion: CustomResourceConversion | undefined,
  requireRecognized: boolean,
  path: string,
): FieldError[] {
  if (!conversion) return [];
  const errs = validateEnum(`${path}.strategy`, conversion.strategy, ["None", "Webhook"]);
  const cc = conversion.webhook?.clientConfig;
  const reviewVersions = conversion.webhook?.conversionReviewVersions;
  if (conversion.strategy === "Webhook") {
    const ccPath = `${path}.webhookClientConfig`;
    if (!cc) errs.push(field.required(ccPath, "required when strategy is set to Webhook"));
    else if ((cc.url === undefined) === (cc.service === undefined)) {
      errs.push(field.required(ccPath, "exactly one of url or service is required"));
    } else if (cc.url !== undefined) errs.push(...validateWebhookURL(cc.url, `${ccPath}.url`));
    else errs.push(...validateWebhookService(cc.service!, `${ccPath}.service`));
    errs.push(
      ...validateReviewVersions(
        reviewVersions,
        requireRecognized,
        `${path}.conversionReviewVersions`,
      ),
    );
  } else {
    if (cc) {
      errs.push(
        field.forbidden(
          `${path}.webhookClientConfig`,
          "should not be set when strategy is not set to Webhook",
        ),
      );
    }
    if (reviewVersions && reviewVersions.length > 0) {
      errs.push(
        field.forbidden(
          `${path}.conversionReviewVersions`,
          "should not be set when strategy is not set to Webhook",
        ),
      );
    }
  }
  return errs;
}

/** True when the old spec gave every version a schema (`requireOpenAPISchema`). */
function allVersionsHaveSchema(spec: CustomResourceDefinitionSpec): boolean {
  return (spec.versions ?? []).every((v) => v.schema?.openAPIV3Schema !== undefined);
}

function hasRecognizedReviewVersionOrEmpty(conversion: CustomResourceConversion | undefined) {
  const versions = conversion?.webhook?.conversionReviewVersions ?? [];
  return versions.length === 0 || versions.some((v) => ACCEPTED_REVIEW_VERSIONS.includes(v));
}

function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) =>
    c.type === "Established" && c.status === "True"
  );
}

/**
 * Validates one version's `openAPIV3Schema` (the structural-schema rules and
 * CEL, which live with the apiextensions code); `path` is where kube reports
 * it: `spec.validation.openAPIV3Schema` when every version has the same
 * schema, else `spec.versions[i].schema.openAPIV3Schema`.
 */
export type CRDSchemaCheck = (
  schema: Record<string, unknown>,
  path: string,
  version: string,
) => FieldError[];

interface SpecOptions {
  requireOpenAPISchema: boolean;
  requireRecognizedReviewVersion: boolean;
  checkSchema?: CRDSchemaCheck;
}

/** `validateCustomResourceDefinitionSpec`, on the internal form of a v1 spec. */
function validateSpec(spec: CustomResourceDefinitionSpec, opts: SpecOptions): FieldError[] {
  const errs: FieldError[] = [];
  const versions = spec.versions ?? [];
  const internal = internalSpec(versions);

  if (!spec.group) errs.push(field.required("spec.group", ""));
  else {
    const msgs = isDNS1123Subdomain(spec.group);
    if (msgs.length) errs.push(field.invalid("spec.group", spec.group, msgs.join(",")));
    else if (spec.group.split(".").length < 2) {
      errs.push(
        field.invalid("spec.group", spec.group, "should be a domain with at least one dot"),
      );
    }
  }

  errs.push(...validateEnum("spec.scope", spec.scope, ["Cluster", "Namespaced"]));

  if (opts.requireOpenAPISchema && internal.validation?.openAPIV3Schema === undefined) {
    versions.forEach((v, i) => {
      if (v.schema?.openAPIV3Schema === undefined) {
        errs.push(field.required(`spec.versions[${i}].schema.openAPIV3Schema`, ""));
      }
    });
  }

  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const path = `spec.versions[${i}]`;
    if (v.storage) storageCount++;
    if (seen.has(v.name)) unique = false;
    else seen.add(v.name);
    const msgs = isDNS1035Label(v.name ?? "");
    if (msgs.length) errs.push(field.invalid(`${path}.name`, v.name ?? "", msgs.join(",")));
    // validateCustomResourceDefinitionVersion
    for (const msg of deprecationWarningErrors(!!v.deprecated, v.deprecationWarning)) {
      errs.push(field.invalid(`${path}.deprecationWarning`, v.deprecationWarning ?? null, msg));
    }
    const schema = v.schema?.openAPIV3Schema;
    if (internal.perVersion.validation && opts.checkSchema && isObject(schema)) {
      errs.push(...opts.checkSchema(schema, `${path}.schema.openAPIV3Schema`, v.name));
    }
    if (internal.perVersion.subresources) {
      errs.push(...validateSubresources(v.subresources, `${path}.subresources`));
    }
    if (internal.perVersion.columns) {
      (v.additionalPrinterColumns ?? []).forEach((c, j) => {
        errs.push(...validateColumn(c, `${path}.additionalPrinterColumns[${j}]`));
      });
    }
  });

  // Go's JSON of a nil slice (versions absent) is null.
  const shown = () =>
    Array.isArray(spec.versions) ? versions.map((v) => internalVersion(v, internal)) : null;
  if (!unique) {
    errs.push(field.invalid("spec.versions", shown(), "must contain unique version names"));
  }
  if (storageCount !== 1) {
    errs.push(
      field.invalid(
        "spec.versions",
        shown(),
        "must have exactly one version marked as storage version",
      ),
    );
  }
  if (internal.version) {
    const msgs = isDNS1035Label(internal.version);
    if (msgs.length) errs.push(field.invalid("spec.version", internal.version, msgs.join(",")));
  }

  const names = spec.names ?? ({} as CustomResourceDefinitionNames);
  if (!names.plural) errs.push(field.required("spec.names.plural", ""));
  if (!names.singular) errs.push(field.required("spec.names.singular", ""));
  if (!names.kind) errs.push(field.required("spec.names.kind", ""));
  if (!names.listKind) errs.push(field.required("spec.names.listKind", ""));
  errs.push(...validateNames(names, "spec.names"));

  const shared = internal.validation?.openAPIV3Schema;
  if (opts.checkSchema && isObject(shared)) {
    errs.push(...opts.checkSchema(shared, "spec.validation.openAPIV3Schema", internal.version));
  }
  errs.push(...validateSubresources(internal.subresources, "spec.subresources"));
  (internal.columns ?? []).forEach((c, i) => {
    errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${i}]`));
  });

  if (spec.conversion && spec.conversion.strategy !== "None" && spec.preserveUnknownFields) {
    errs.push(
      field.invalid(
        "spec.conversion.strategy",
        spec.conversion.strategy,
        "must be None if spec.preserveUnknownFields is true",
      ),
    );
  }
  errs.push(
    ...validateConversion(spec.conversion, opts.requireRecognizedReviewVersion, "spec.conversion"),
  );
  return errs;
}

/** `ValidateCustomResourceDefinitionStoredVersions`. */
function validateStoredVersions(
  stored: string[] | undefined,
  versions: CustomResourceDefinitionVersion[],
): FieldError[] {
  const path = "status.storedVersions";
  if (!stored || stored.length === 0) {
    return [field.invalid(path, stored ?? null, "must have at least one stored version")];
  }
  const errs: FieldError[] = [];
  const left = new Map<string, number>();
  stored.forEach((v, i) => left.set(v, i));
  for (const v of versions) {
    const has = left.has(v.name);
    if (v.storage && !has) {
      errs.push(field.invalid(path, stored, `must have the storage version ${v.name}`));
    }
    if (has) left.delete(v.name);
  }
  // kube ranges over a Go map here, so its order is unspecified; ours is the list's.
  for (const [v, i] of left) {
    errs.push(
      field.invalid(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in ` +
          `spec.versions until a storage migration ensures no data remains persisted in ${v} ` +
          `and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

function isProtectedGroup(group: string): boolean {
  return group === "k8s.io" || group.endsWith(".k8s.io") || group === "kubernetes.io" ||
    group.endsWith(".kubernetes.io");
}

type ApprovalState = "invalid" | "approved" | "bypassed" | "missing";

/** `apihelpers.GetAPIApprovalState`. */
function approvalState(annotations: Record<string, string> | undefined): [ApprovalState, string] {
  const a = annotations?.[API_APPROVAL_ANNOTATION] ?? "";
  if (!a) {
    return [
      "missing",
      `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", see ${KEP_1111}`,
    ];
  }
  if (a.startsWith("unapproved")) return ["bypassed", `not approved: "${a}"`];
  const u = splitURL(a);
  if (u.scheme && u.host && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(a)) {
    return ["approved", `approved in ${a}`];
  }
  return [
    "invalid",
    `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}" with either a ` +
    `URL or a reason starting with "unapproved", see ${KEP_1111}`,
  ];
}

/** `validateAPIApproval`. */
function validateAPIApproval(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition | undefined,
): FieldError[] {
  if (!isProtectedGroup(crd.spec.group ?? "")) return [];
  const [state, reason] = approvalState(crd.metadata.annotations);
  if (old && approvalState(old.metadata.annotations)[0] === state) return [];
  const path = `metadata.annotations[${API_APPROVAL_ANNOTATION}]`;
  if (state === "missing") return [field.required(path, reason)];
  if (state === "invalid") {
    return [field.invalid(path, crd.metadata.annotations?.[API_APPROVAL_ANNOTATION] ?? "", reason)];
  }
  return [];
}

/**
 * The rules of `ValidateCustomResourceDefinition` and
 * `ValidateCustomResourceDefinitionUpdate`: the Invalid field errors of a CRD
 * on create (no `old`) or update. Each version's schema goes to
 * `checkSchema` when given.
 */
export function validateCRD(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition | undefined,
  checkSchema?: CRDSchemaCheck,
): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinitionSpec);
  if (!old) {
    const required = `${spec.names?.plural ?? ""}.${spec.group ?? ""}`;
    if (crd.metadata.name && crd.metadata.name !== required) {
      errs.push(
        field.invalid(
          "metadata.name",
          crd.metadata.name,
          'must be spec.names.plural+"."+spec.group',
        ),
      );
    }
  }
  errs.push(...validateSpec(spec, {
    requireOpenAPISchema: !old || allVersionsHaveSchema(old.spec),
    requireRecognizedReviewVersion: !old || hasRecognizedReviewVersionOrEmpty(old.spec.conversion),
    checkSchema,
  }));
  if (old) {
    // validateCustomResourceDefinitionSpecUpdate
    if (isEstablished(old)) {
      if (spec.scope !== old.spec.scope) {
        errs.push(field.invalid("spec.scope", spec.scope ?? "", "field is immutable"));
      }
      if (spec.names?.kind !== old.spec.names?.kind) {
        errs.push(field.invalid("spec.names.kind", spec.names?.kind ?? "", "field is immutable"));
      }
    }
    if (spec.group !== old.spec.group) {
      errs.push(field.invalid("spec.group", spec.group ?? "", "field is immutable"));
    }
    if (spec.names?.plural !== old.spec.names?.plural) {
      errs.push(field.invalid("spec.names.plural", spec.names?.plural ?? "", "field is immutable"));
    }
  }
  errs.push(...validateNames(crd.status?.acceptedNames, "status.acceptedNames"));
  errs.push(...validateStoredVersions(crd.status?.storedVersions, spec.versions ?? []));
  errs.push(...validateAPIApproval(crd, old));
  if (!old?.spec.preserveUnknownFields && spec.preserveUnknownFields) {
    errs.push(
      field.invalid(
        "spec.preserveUnknownFields",
        true,
        "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in " +
          "spec.versions[*].schema instead",
      ),
    );
  }
  return errs;
}

/**
 * v1 defaulting (`SetDefaults_CustomResourceDefinitionSpec`, `SetDefaults_ServiceReference`)
 * and the strategy's bookkeeping: the storage version joins `status.storedVersions`.
 */
