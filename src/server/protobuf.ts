/**
 * Decodes the protobuf request bodies kubectl ≥ 1.32 sends from its typed
 * clients (`Content-Type: application/vnd.kubernetes.protobuf`): the
 * imperative `kubectl create configmap|secret|namespace|serviceaccount|role|
 * clusterrole|rolebinding|clusterrolebinding|token`, `auth can-i`,
 * `auth can-i --list` and `auth whoami`.
 *
 * The body is kube's envelope: the magic bytes `6b 38 73 00` ("k8s\0"), then a
 * `runtime.Unknown` message whose `typeMeta` names the kind and whose `raw`
 * holds the object's own message (field numbers from k8s.io/api's
 * `generated.proto`). {@linkcode decodeKubeProtobuf} returns the object in
 * the JSON form kube-apiserver would produce for it, less `null` values, so
 * the server can hand it to the same code as a JSON body.
 *
 * Only the kinds in {@linkcode PROTOBUF_KINDS} have a message schema here;
 * {@linkcode supportsProtobuf} tells the server which endpoints take protobuf.
 * The reader is strict: every length is checked against its message, varints
 * longer than ten bytes, lengths past the end, wrong wire types and illegal
 * tags are errors, unknown fields are skipped without recursion, and nesting
 * is capped. It uses web APIs only.
 *
 * @example Decode a body and hand it on as JSON
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeKubeProtobuf } from "./protobuf.ts";
 *
 * // What `kubectl create namespace n` sends, less its empty fields.
 * const body = new Uint8Array([
 *   0x6b, 0x38, 0x73, 0x00, // "k8s\0"
 *   0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, // typeMeta { apiVersion "v1"
 *   0x12, 0x09, ...new TextEncoder().encode("Namespace"), // kind "Namespace" }
 *   0x12, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0x6e, // raw { metadata { name "n" } }
 * ]);
 * assert.deepEqual(decodeKubeProtobuf(body), {
 *   apiVersion: "v1",
 *   kind: "Namespace",
 *   metadata: { name: "n" },
 *   spec: {},
 *   status: {},
 * });
 * ```
 *
 * @module
 */

/** The media type of kube's protobuf encoding. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

/** The four bytes ("k8s\0") every kube protobuf body starts with. */
export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

/** A kind named by its `apiVersion` (`v1`, `group/version`) and `kind`. */
export interface ProtobufKind {
  /** `v1` for the core group, else `group/version`. */
  apiVersion: string;
  /** The kind, e.g. `ConfigMap`. */
  kind: string;
}

/** An object decoded from protobuf, in its JSON form. */
export interface DecodedObject {
  /** From the envelope's type information (or the defaults given). */
  apiVersion: string;
  /** From the envelope's type information (or the defaults given). */
  kind: string;
  /** The object's fields, as kube's JSON encoding would name them. */
  [field: string]: unknown;
}

/** Options for {@linkcode decodeKubeProtobuf}. */
export interface DecodeKubeProtobufOptions {
  /**
   * The endpoint's `apiVersion`. Like kube's handler, it fills in an envelope
   * that carries no version.
   */
  apiVersion?: string;
  /**
   * The endpoint's kind. It fills in an envelope that carries no kind, and
   * error messages name it as the kind the body must be of (kube's wording:
   * `the object provided is unrecognized (must be of type ConfigMap)`).
   */
  kind?: string;
}

/**
 * Thrown by {@linkcode decodeKubeProtobuf} for a body it cannot decode. The
 * message is the one kube-apiserver puts in its 400 BadRequest Status, e.g.
 * `ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF`;
 * {@linkcode ProtobufDecodeError.prototype.detail} is the serializer's part
 * alone (`unexpected EOF`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeKubeProtobuf, ProtobufDecodeError } from "./protobuf.ts";
 *
 * assert.throws(
 *   () => decodeKubeProtobuf(new TextEncoder().encode("{}"), { kind: "ConfigMap" }),
 *   (err) =>
 *     err instanceof ProtobufDecodeError &&
 *     err.message === "the object provided is unrecognized (must be of type ConfigMap): " +
 *         "provided data does not appear to be a protobuf message, expected prefix " +
 *         "[107 56 115 0] ({})",
 * );
 * ```
 */
export class ProtobufDecodeError extends Error {
  /** The decoder's own message, without the handler's wording around it. */
  readonly detail: string;
  /** The envelope's apiVersion, when the envelope could be read. */
  readonly apiVersion?: string;
  /** The envelope's kind, when the envelope could be read. */
  readonly kind?: string;

  /** Builds the error from the full message and its parts. */
  constructor(message: string, detail: string, type?: Partial<ProtobufKind>) {
    super(message);
    this.name = "ProtobufDecodeError";
    this.detail = detail;
    if (type?.apiVersion) this.apiVersion = type.apiVersion;
    if (type?.kind) this.kind = type.kind;
  }
}

// ---------------------------------------------------------------------------
// Wire format reader
// ---------------------------------------------------------------------------

/** Nesting cap for messages and skipped groups; kube's schemas need under 10. */
const MAX_DEPTH = 100;

/** A failure with the Go decoder's wording, before the handler wraps it. */
class WireError extends Error {}

const EOF = "unexpected EOF";
const OVERFLOW = "proto: integer overflow";
const NEGATIVE_LENGTH = "proto: negative length found during unmarshaling";

/** A cursor over one message: `pos` moves, `end` is the message's end. */
interface Span {
  buf: Uint8Array;
  pos: number;
  end: number;
}

/**
 * Reads a varint of at most ten bytes as its low and high 32 bits (unsigned).
 * Bits past 64 are dropped, as Go's decoder drops them.
 */
function readVarint(s: Span): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let shift = 0;; shift += 7) {
    if (shift >= 64) throw new WireError(OVERFLOW);
    if (s.pos >= s.end) throw new WireError(EOF);
    const b = s.buf[s.pos++];
    const bits = b & 0x7f;
    if (shift < 32) {
      lo |= bits << shift;
      if (shift > 25) hi |= bits >>> (32 - shift);
    } else {
      hi |= bits << (shift - 32);
    }
    if (b < 0x80) return [lo >>> 0, hi >>> 0];
  }
}

/** Reads a length prefix and returns the span it covers, checked against `s`. */
function readSpan(s: Span): Span {
  const [lo, hi] = readVarint(s);
  // Go reads the length into an int64: a set top bit makes it negative.
  if (hi >= 0x80000000) throw new WireError(NEGATIVE_LENGTH);
  const length = hi * 0x100000000 + lo;
  if (length > s.end - s.pos) throw new WireError(EOF);
  const sub = { buf: s.buf, pos: s.pos, end: s.pos + length };
  s.pos += length;
  return sub;
}

function toInt64(lo: number, hi: number): number {
  if (hi === 0) return lo;
  return Number(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
}

/**
 * Skips one field whose tag has been read, without recursion: groups are
 * counted, not descended into.
 */
function skipField(s: Span, wireType: number): void {
  let depth = 0;
  let wt = wireType;
  for (;;) {
    switch (wt) {
      case 0:
        readVarint(s);
        break;
      case 1:
        s.pos += 8;
        break;
      case 2:
        readSpan(s);
        break;
      case 3:
        if (++depth > MAX_DEPTH) {
          throw new WireError(`proto: exceeded maximum nesting depth of ${MAX_DEPTH}`);
        }
        break;
      case 4:
        if (depth === 0) throw new WireError("proto: unexpected end of group");
        depth--;
        break;
      case 5:
        s.pos += 4;
        break;
      default:
        throw new WireError(`proto: illegal wireType ${wt}`);
    }
    if (s.pos > s.end) throw new WireError(EOF);
    if (depth === 0) return;
    if (s.pos >= s.end) throw new WireError(EOF);
    wt = readVarint(s)[0] & 7;
  }
}

// ---------------------------------------------------------------------------
// Message schemas
// ---------------------------------------------------------------------------

/**
 * How a field appears in the JSON form, following Go's encoding/json with
 * kube's struct tags, except that `null` is never written (kube's decoder
 * reads `null` and an absent field alike):
 * - `omitempty`: left out when "", false, 0, or an empty list or map;
 * - `always`: written even when empty ("" or false or 0);
 * - `pointer`: a Go pointer, written whenever the field is on the wire.
 * Lists and maps are left out when empty whatever the mode (Go writes `null`
 * or omits them). Non-pointer structs are always written (Go does), time
 * stamps only when set.
 */
type Emit = "omitempty" | "always" | "pointer";

type Scalar = "string" | "bool" | "int32" | "int64" | "bytes" | "raw";

type ValueType =
  | Scalar
  | { message: MessageSpec }
  | { time: true }
  | { fieldsV1: true }
  | { stringList: true };

interface FieldSpec {
  json: string;
  go: string;
  type: ValueType;
  shape: "one" | "list" | "map";
  emit: Emit;
}

interface MessageSpec {
  go: string;
  fields: [number, FieldSpec][];
  byNumber: Map<number, FieldSpec>;
}

const GO_NAMES: Record<string, string> = {
  metadata: "ObjectMeta",
  uid: "UID",
  apiVersion: "APIVersion",
  apiGroup: "APIGroup",
  apiGroups: "APIGroups",
  nonResourceURLs: "NonResourceURLs",
};

function field(
  json: string,
  type: ValueType,
  shape: FieldSpec["shape"] = "one",
  emit: Emit = "omitempty",
): FieldSpec {
  const go = GO_NAMES[json] ?? json[0].toUpperCase() + json.slice(1);
  return { json, go, type, shape, emit };
}

function message(go: string, fields: [number, FieldSpec][]): MessageSpec {
  return { go, fields, byNumber: new Map(fields) };
}

const str = (json: string, emit: Emit = "omitempty") => field(json, "string", "one", emit);
const strs = (json: string) => field(json, "string", "list");
const strMap = (json: string) => field(json, "string", "map");
const bytesMap = (json: string) => field(json, "bytes", "map");
const bool = (json: string, emit: Emit = "omitempty") => field(json, "bool", "one", emit);
const int64 = (json: string, emit: Emit = "omitempty") => field(json, "int64", "one", emit);
/** A non-pointer struct field: written even when empty. */
const struct = (json: string, m: MessageSpec) => field(json, { message: m }, "one", "always");
/** A pointer struct field: written when on the wire. */
const ptr = (json: string, m: MessageSpec) => field(json, { message: m }, "one", "pointer");
const list = (json: string, m: MessageSpec) => field(json, { message: m }, "list");
const time = (json: string) => field(json, { time: true });

// k8s.io/apimachinery/pkg/apis/meta/v1
/** metav1.Time on the wire; Go's decoder reads it as a `Timestamp`. */
const TIME = message("Timestamp", [[1, int64("seconds")], [2, field("nanos", "int32")]]);
const FIELDS_V1 = message("FieldsV1", [[1, field("Raw", "raw")]]);
const OWNER_REFERENCE = message("OwnerReference", [
  [5, str("apiVersion", "always")],
  [1, str("kind", "always")],
  [3, str("name", "always")],
  [4, str("uid", "always")],
  [6, bool("controller", "pointer")],
  [7, bool("blockOwnerDeletion", "pointer")],
]);
const MANAGED_FIELDS_ENTRY = message("ManagedFieldsEntry", [
  [1, str("manager")],
  [2, str("operation")],
  [3, str("apiVersion")],
  [4, time("time")],
  [6, str("fieldsType")],
  [7, field("fieldsV1", { fieldsV1: true }, "one", "pointer")],
  [8, str("subresource")],
]);
const OBJECT_META = message("ObjectMeta", [
  [1, str("name")],
  [2, str("generateName")],
  [3, str("namespace")],
  [4, str("selfLink")],
  [5, str("uid")],
  [6, str("resourceVersion")],
  [7, int64("generation")],
  [8, time("creationTimestamp")],
  [9, time("deletionTimestamp")],
  [10, int64("deletionGracePeriodSeconds", "pointer")],
  [11, strMap("labels")],
  [12, strMap("annotations")],
  [13, list("ownerReferences", OWNER_REFERENCE)],
  [14, strs("finalizers")],
  [17, list("managedFields", MANAGED_FIELDS_ENTRY)],
]);
const SELECTOR_REQUIREMENT = (go: string) =>
  message(go, [[1, str("key", "always")], [2, str("operator", "always")], [3, strs("values")]]);
const LABEL_SELECTOR_REQUIREMENT = SELECTOR_REQUIREMENT("LabelSelectorRequirement");
const FIELD_SELECTOR_REQUIREMENT = SELECTOR_REQUIREMENT("FieldSelectorRequirement");
const LABEL_SELECTOR = message("LabelSelector", [
  [1, strMap("matchLabels")],
  [2, list("matchExpressions", LABEL_SELECTOR_REQUIREMENT)],
]);

// k8s.io/apimachinery/pkg/runtime
const TYPE_META = message("TypeMeta", [[1, str("apiVersion")], [2, str("kind")]]);
const UNKNOWN = message("Unknown", [
  [1, struct("typeMeta", TYPE_META)],
  [2, field("raw", "raw")],
  [3, str("contentEncoding")],
  [4, str("contentType")],
]);

// k8s.io/api/core/v1
const OBJECT_REFERENCE = message("ObjectReference", [
  [1, str("kind")],
  [2, str("namespace")],
  [3, str("name")],
  [4, str("uid")],
  [5, str("apiVersion")],
  [6, str("resourceVersion")],
  [7, str("fieldPath")],
]);
const LOCAL_OBJECT_REFERENCE = message("LocalObjectReference", [[1, str("name")]]);
const CONFIG_MAP = message("ConfigMap", [
  [1, struct("metadata", OBJECT_META)],
  [4, bool("immutable", "pointer")],
  [2, strMap("data")],
  [3, bytesMap("binaryData")],
]);
const SECRET = message("Secret", [
  [1, struct("metadata", OBJECT_META)],
  [5, bool("immutable", "pointer")],
  [2, bytesMap("data")],
  [4, strMap("stringData")],
  [3, str("type")],
]);
const NAMESPACE_CONDITION = message("NamespaceCondition", [
  [1, str("type", "always")],
  [2, str("status", "always")],
  [4, time("lastTransitionTime")],
  [5, str("reason")],
  [6, str("message")],
]);
const NAMESPACE = message("Namespace", [
  [1, struct("metadata", OBJECT_META)],
  [2, struct("spec", message("NamespaceSpec", [[1, strs("finalizers")]]))],
  [
    3,
    struct(
      "status",
      message("NamespaceStatus", [
        [1, str("phase")],
        [2, list("conditions", NAMESPACE_CONDITION)],
      ]),
    ),
  ],
]);
const SERVICE_ACCOUNT = message("ServiceAccount", [
  [1, struct("metadata", OBJECT_META)],
  [2, list("secrets", OBJECT_REFERENCE)],
  [3, list("imagePullSecrets", LOCAL_OBJECT_REFERENCE)],
  [4, bool("automountServiceAccountToken", "pointer")],
]);

// k8s.io/api/authorization/v1
/** `ExtraValue` is a `[]string` in Go: its JSON is the list itself. */
const extraMap = (json: string) => field(json, { stringList: true }, "map");
const RESOURCE_ATTRIBUTES = message("ResourceAttributes", [
  [1, str("namespace")],
  [2, str("verb")],
  [3, str("group")],
  [4, str("version")],
  [5, str("resource")],
  [6, str("subresource")],
  [7, str("name")],
  [
    8,
    ptr(
      "fieldSelector",
      message("FieldSelectorAttributes", [
        [1, str("rawSelector")],
        [2, list("requirements", FIELD_SELECTOR_REQUIREMENT)],
      ]),
    ),
  ],
  [
    9,
    ptr(
      "labelSelector",
      message("LabelSelectorAttributes", [
        [1, str("rawSelector")],
        [2, list("requirements", LABEL_SELECTOR_REQUIREMENT)],
      ]),
    ),
  ],
]);
const NON_RESOURCE_ATTRIBUTES = message("NonResourceAttributes", [
  [1, str("path")],
  [2, str("verb")],
]);
const SUBJECT_ACCESS_REVIEW_STATUS = message("SubjectAccessReviewStatus", [
  [1, bool("allowed", "always")],
  [4, bool("denied")],
  [2, str("reason")],
  [3, str("evaluationError")],
]);
const SUBJECT_ACCESS_REVIEW_SPEC = message("SubjectAccessReviewSpec", [
  [1, ptr("resourceAttributes", RESOURCE_ATTRIBUTES)],
  [2, ptr("nonResourceAttributes", NON_RESOURCE_ATTRIBUTES)],
  [3, str("user")],
  [4, strs("groups")],
  [5, extraMap("extra")],
  [6, str("uid")],
]);
const SELF_SUBJECT_ACCESS_REVIEW = message("SelfSubjectAccessReview", [
  [1, struct("metadata", OBJECT_META)],
  [
    2,
    struct(
      "spec",
      message("SelfSubjectAccessReviewSpec", [
        [1, ptr("resourceAttributes", RESOURCE_ATTRIBUTES)],
        [2, ptr("nonResourceAttributes", NON_RESOURCE_ATTRIBUTES)],
      ]),
    ),
  ],
  [3, struct("status", SUBJECT_ACCESS_REVIEW_STATUS)],
]);
const SUBJECT_ACCESS_REVIEW = (go: string) =>
  message(go, [
    [1, struct("metadata", OBJECT_META)],
    [2, struct("spec", SUBJECT_ACCESS_REVIEW_SPEC)],
    [3, struct("status", SUBJECT_ACCESS_REVIEW_STATUS)],
  ]);
const RULES = (go: string, resources: boolean) =>
  message(
    go,
    resources
      ? [
        [1, strs("verbs")],
        [2, strs("apiGroups")],
        [3, strs("resources")],
        [4, strs("resourceNames")],
      ]
      : [[1, strs("verbs")], [2, strs("nonResourceURLs")]],
  );
const SELF_SUBJECT_RULES_REVIEW = message("SelfSubjectRulesReview", [
  [1, struct("metadata", OBJECT_META)],
  [2, struct("spec", message("SelfSubjectRulesReviewSpec", [[1, str("namespace")]]))],
  [
    3,
    struct(
      "status",
      message("SubjectRulesReviewStatus", [
        [1, list("resourceRules", RULES("ResourceRule", true))],
        [2, list("nonResourceRules", RULES("NonResourceRule", false))],
        [3, bool("incomplete", "always")],
        [4, str("evaluationError")],
      ]),
    ),
  ],
]);

// k8s.io/api/authentication/v1
const USER_INFO = message("UserInfo", [
  [1, str("username")],
  [2, str("uid")],
  [3, strs("groups")],
  [4, extraMap("extra")],
]);
const SELF_SUBJECT_REVIEW = message("SelfSubjectReview", [
  [1, struct("metadata", OBJECT_META)],
  [2, struct("status", message("SelfSubjectReviewStatus", [[1, struct("userInfo", USER_INFO)]]))],
]);
const TOKEN_REQUEST = message("TokenRequest", [
  [1, struct("metadata", OBJECT_META)],
  [
    2,
    struct(
      "spec",
      message("TokenRequestSpec", [
        [1, strs("audiences")],
        [4, int64("expirationSeconds", "pointer")],
        [
          3,
          ptr(
            "boundObjectRef",
            message("BoundObjectReference", [
              [1, str("kind")],
              [2, str("apiVersion")],
              [3, str("name")],
              [4, str("uid")],
            ]),
          ),
        ],
        [5, extraMap("attestations")],
      ]),
    ),
  ],
  [
    3,
    struct(
      "status",
      message("TokenRequestStatus", [
        [1, str("token", "always")],
        [2, time("expirationTimestamp")],
      ]),
    ),
  ],
]);

// k8s.io/api/rbac/v1
const POLICY_RULE = message("PolicyRule", [
  [1, strs("verbs")],
  [2, strs("apiGroups")],
  [3, strs("resources")],
  [4, strs("resourceNames")],
  [5, strs("nonResourceURLs")],
]);
const SUBJECT = message("Subject", [
  [1, str("kind", "always")],
  [2, str("apiGroup")],
  [3, str("name", "always")],
  [4, str("namespace")],
]);
const ROLE_REF = message("RoleRef", [
  [1, str("apiGroup", "always")],
  [2, str("kind", "always")],
  [3, str("name", "always")],
]);
const ROLE = (go: string, aggregation: boolean) =>
  message(go, [
    [1, struct("metadata", OBJECT_META)],
    [2, list("rules", POLICY_RULE)],
    ...(aggregation
      ? [[
        3,
        ptr(
          "aggregationRule",
          message("AggregationRule", [[1, list("clusterRoleSelectors", LABEL_SELECTOR)]]),
        ),
      ] as [number, FieldSpec]]
      : []),
  ]);
const ROLE_BINDING = (go: string) =>
  message(go, [
    [1, struct("metadata", OBJECT_META)],
    [2, list("subjects", SUBJECT)],
    [3, struct("roleRef", ROLE_REF)],
  ]);

const SCHEMAS: Record<string, MessageSpec> = {
  "v1/ConfigMap": CONFIG_MAP,
  "v1/Secret": SECRET,
  "v1/Namespace": NAMESPACE,
  "v1/ServiceAccount": SERVICE_ACCOUNT,
  "authorization.k8s.io/v1/SelfSubjectAccessReview": SELF_SUBJECT_ACCESS_REVIEW,
  "authorization.k8s.io/v1/SelfSubjectRulesReview": SELF_SUBJECT_RULES_REVIEW,
  "authorization.k8s.io/v1/SubjectAccessReview": SUBJECT_ACCESS_REVIEW("SubjectAccessReview"),
  "authorization.k8s.io/v1/LocalSubjectAccessReview": SUBJECT_ACCESS_REVIEW(
    "LocalSubjectAccessReview",
  ),
  "authentication.k8s.io/v1/SelfSubjectReview": SELF_SUBJECT_REVIEW,
  "authentication.k8s.io/v1/TokenRequest": TOKEN_REQUEST,
  "rbac.authorization.k8s.io/v1/Role": ROLE("Role", false),
  "rbac.authorization.k8s.io/v1/ClusterRole": ROLE("ClusterRole", true),
  "rbac.authorization.k8s.io/v1/RoleBinding": ROLE_BINDING("RoleBinding"),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ROLE_BINDING("ClusterRoleBinding"),
};

/**
 * The kinds {@linkcode decodeKubeProtobuf} can decode. kube-apiserver takes
 * protobuf for every built-in kind; k1s takes it for these, the ones kubectl's
 * typed clients send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PROTOBUF_KINDS } from "./protobuf.ts";
 *
 * assert.ok(PROTOBUF_KINDS.some((k) => k.apiVersion === "v1" && k.kind === "Secret"));
 * ```
 */
export const PROTOBUF_KINDS: readonly ProtobufKind[] = Object.keys(SCHEMAS).map((key) => {
  const i = key.lastIndexOf("/");
  return { apiVersion: key.slice(0, i), kind: key.slice(i + 1) };
});

/**
 * True when bodies of this kind may be sent as protobuf. For any other kind
 * (custom resources above all) the server should answer a protobuf body with
 * 415 UnsupportedMediaType, listing the JSON and YAML media types.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { supportsProtobuf } from "./protobuf.ts";
 *
 * assert.ok(supportsProtobuf("v1", "ConfigMap"));
 * assert.ok(!supportsProtobuf("example.com/v1", "Widget"));
 * ```
 */
export function supportsProtobuf(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(SCHEMAS, `${apiVersion}/${kind}`);
}

// ---------------------------------------------------------------------------
// Decoding by schema
// ---------------------------------------------------------------------------

/** Fields decoded so far: lists and maps grow, singular values are replaced. */
type State = Map<FieldSpec, unknown>;

const WIRE_TYPES: Record<Scalar, number> = {
  string: 2,
  bytes: 2,
  raw: 2,
  bool: 0,
  int32: 0,
  int64: 0,
};

function wireTypeOf(type: ValueType): number {
  return typeof type === "string" ? WIRE_TYPES[type] : 2;
}

const utf8 = new TextDecoder();

/** Reads one value of `type`; messages merge into `prev` as proto's do. */
function readValue(s: Span, type: ValueType, prev: unknown, depth: number): unknown {
  if (typeof type === "string") {
    if (type === "bool" || type === "int32" || type === "int64") {
      const [lo, hi] = readVarint(s);
      if (type === "bool") return lo !== 0 || hi !== 0;
      if (type === "int32") return lo | 0;
      return toInt64(lo, hi);
    }
    const sub = readSpan(s);
    const bytes = s.buf.subarray(sub.pos, sub.end);
    if (type === "string") return utf8.decode(bytes);
    if (type === "bytes") return base64(bytes);
    return bytes;
  }
  const sub = readSpan(s);
  if ("message" in type) {
    const state = (prev as State | undefined) ?? new Map();
    decodeInto(sub, type.message, state, depth + 1);
    return state;
  }
  if ("time" in type) {
    // Each occurrence replaces the last. An empty message is Go's zero time.
    const state: State = new Map();
    if (sub.end > sub.pos) state.set(SET, true);
    decodeInto(sub, TIME, state, depth + 1);
    return state;
  }
  if ("fieldsV1" in type) {
    const state = (prev as State | undefined) ?? new Map();
    decodeInto(sub, FIELDS_V1, state, depth + 1);
    return state;
  }
  const state = (prev as State | undefined) ?? new Map();
  decodeInto(sub, EXTRA_VALUE, state, depth + 1);
  return state;
}

/** Marks a Time message that was not empty on the wire. */
const SET: FieldSpec = field("set", "bool");
const EXTRA_VALUE = message("ExtraValue", [[1, strs("items")]]);

function decodeInto(s: Span, spec: MessageSpec, state: State, depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new WireError(`proto: exceeded maximum nesting depth of ${MAX_DEPTH}`);
  }
  while (s.pos < s.end) {
    const [lo, hi] = readVarint(s);
    const wireType = lo & 7;
    // Go: fieldNum := int32(wire >> 3)
    const fieldNum = ((hi << 29) | (lo >>> 3)) | 0;
    if (wireType === 4) {
      throw new WireError(`proto: ${spec.go}: wiretype end group for non-group`);
    }
    if (fieldNum <= 0) {
      const wire = (BigInt(hi) << 32n) | BigInt(lo);
      throw new WireError(`proto: ${spec.go}: illegal tag ${fieldNum} (wire type ${wire})`);
    }
    const f = spec.byNumber.get(fieldNum);
    if (f === undefined) {
      skipField(s, wireType);
      continue;
    }
    if (f.shape === "map") {
      if (wireType !== 2) throw wrongWireType(wireType, f);
      const entry = readSpan(s);
      const [key, value] = readMapEntry(entry, f, depth + 1);
      const map = (state.get(f) as Map<string, unknown> | undefined) ?? new Map();
      map.set(key, value);
      state.set(f, map);
      continue;
    }
    if (wireType !== wireTypeOf(f.type)) throw wrongWireType(wireType, f);
    if (f.shape === "list") {
      const items = (state.get(f) as unknown[] | undefined) ?? [];
      items.push(readValue(s, f.type, undefined, depth));
      state.set(f, items);
    } else {
      state.set(f, readValue(s, f.type, state.get(f), depth));
    }
  }
}

function wrongWireType(wireType: number, f: FieldSpec): WireError {
  return new WireError(`proto: wrong wireType = ${wireType} for field ${f.go}`);
}

/** A map entry is a message {1: key, 2: value}; either may be missing. */
function readMapEntry(s: Span, f: FieldSpec, depth: number): [string, unknown] {
  let key = "";
  let value: unknown;
  while (s.pos < s.end) {
    const [lo, hi] = readVarint(s);
    const wireType = lo & 7;
    const fieldNum = ((hi << 29) | (lo >>> 3)) | 0;
    if (fieldNum === 1) {
      if (wireType !== 2) throw wrongWireType(wireType, f);
      key = readValue(s, "string", undefined, depth) as string;
    } else if (fieldNum === 2) {
      if (wireType !== wireTypeOf(f.type)) throw wrongWireType(wireType, f);
      value = readValue(s, f.type, undefined, depth);
    } else {
      if (wireType === 4) throw new WireError("proto: unexpected end of group");
      skipField(s, wireType);
    }
  }
  return [key, value];
}

// ---------------------------------------------------------------------------
// JSON form
// ---------------------------------------------------------------------------

function toJson(spec: MessageSpec, state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [, f] of spec.fields) {
    const value = fieldJson(f, state.get(f), state.has(f));
    if (value !== undefined) out[f.json] = value;
  }
  return out;
}

function fieldJson(f: FieldSpec, raw: unknown, present: boolean): unknown {
  if (f.shape === "list") {
    const items = raw as unknown[] | undefined;
    if (!items?.length) return undefined;
    return items.map((item) => valueJson(f.type, item));
  }
  if (f.shape === "map") {
    const map = raw as Map<string, unknown> | undefined;
    if (!map?.size) return undefined;
    // Go's encoding/json writes map keys sorted.
    const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, mapValueJson(f.type, map.get(k))]));
  }
  if (typeof f.type === "object" && "message" in f.type) {
    if (f.emit === "pointer" && !present) return undefined;
    return toJson(f.type.message, (raw as State | undefined) ?? new Map());
  }
  if (f.emit === "pointer") return present ? valueJson(f.type, raw) : undefined;
  const value = present ? valueJson(f.type, raw) : zero(f.type);
  if (f.emit === "omitempty" && (value === "" || value === false || value === 0)) {
    return undefined;
  }
  return value;
}

function zero(type: ValueType): unknown {
  if (type === "string" || type === "bytes") return "";
  if (type === "bool") return false;
  if (type === "int32" || type === "int64") return 0;
  return undefined;
}

/** A map value missing from its entry is the type's zero value. */
function mapValueJson(type: ValueType, raw: unknown): unknown {
  if (raw === undefined) {
    if (typeof type === "object" && "stringList" in type) return [];
    if (typeof type === "object" && "message" in type) return toJson(type.message, new Map());
    return zero(type);
  }
  return valueJson(type, raw);
}

function valueJson(type: ValueType, raw: unknown): unknown {
  if (typeof type === "string") return raw;
  const state = raw as State;
  if ("message" in type) return toJson(type.message, state);
  if ("time" in type) return timeJson(state);
  if ("fieldsV1" in type) return fieldsV1Json(state);
  const items = state.get(EXTRA_VALUE.byNumber.get(1)!) as string[] | undefined;
  return items ?? [];
}

const TIME_SECONDS = TIME.byNumber.get(1)!;
/** Go's zero time.Time, 0001-01-01T00:00:00Z, in Unix seconds. */
const GO_ZERO_TIME = -62135596800;

/**
 * metav1.Time as JSON: RFC 3339 in UTC to the second, or undefined for Go's
 * zero time (JSON `null`). kube's decoder drops the nanoseconds.
 */
function timeJson(state: State): string | undefined {
  if (!state.has(SET)) return undefined;
  const seconds = (state.get(TIME_SECONDS) as number | undefined) ?? 0;
  if (seconds === GO_ZERO_TIME) return undefined;
  return rfc3339(seconds);
}

/** Formats Unix seconds as Go's time.RFC3339 in UTC, for any year. */
function rfc3339(unix: number): string {
  const days = Math.floor(unix / 86400);
  const secs = unix - days * 86400;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  return `${y}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(secs % 60)}Z`;
}

const FIELDS_RAW = FIELDS_V1.byNumber.get(1)!;
const MAX_JSON_DEPTH = MAX_DEPTH;

/** FieldsV1 is raw JSON in protobuf and inline JSON in JSON. */
function fieldsV1Json(state: State): unknown {
  const raw = state.get(FIELDS_RAW) as Uint8Array | undefined;
  if (raw === undefined) return undefined;
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    throw new WireError(`FieldsV1 nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(utf8.decode(raw));
  } catch (err) {
    throw new WireError(`FieldsV1 is not valid JSON: ${(err as Error).message}`);
  }
}

/** The deepest bracket nesting in JSON text, strings skipped. */
function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

// ---------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** schema.ParseGroupVersion, lenient: an unparsable apiVersion is empty. */
function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split("/");
  if (apiVersion === "") return { group: "", version: "" };
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { group: "", version: "" };
}

function groupVersion(gvk: GroupVersionKind): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** The handler's summary of a body it could not read: hex, 30 bytes at most. */
function summarize(data: Uint8Array): string {
  if (data.length === 0) return "<empty>";
  const head = data.subarray(0, 30);
  if (data[0] === 0x7b) {
    return utf8.decode(head) + (data.length > 30 ? " ..." : "");
  }
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join("");
  return hex + (data.length > 30 ? " ..." : "");
}

/**
 * Decodes a kube protobuf body (magic bytes, `runtime.Unknown` envelope, the
 * object's message) into the object's JSON form: `apiVersion` and `kind`
 * from the envelope, then the fields as kube's JSON encoding writes them
 * (empty `omitempty` fields and `null`s left out, `[]byte` as base64, times
 * as RFC 3339). Unknown fields are skipped, as kube skips them.
 *
 * Throws {@linkcode ProtobufDecodeError}, worded as kube-apiserver's 400
 * BadRequest message, for a body that is not kube protobuf, is truncated or
 * malformed, lacks a kind or version (and none is given in `options`), or
 * names a kind outside {@linkcode PROTOBUF_KINDS}.
 *
 * @param bytes The request body.
 * @param options The endpoint's apiVersion and kind, to default an envelope
 *   without them and to word errors.
 * @returns The object, with `apiVersion` and `kind` always set.
 *
 * @example The body of `kubectl create configmap x --from-literal=a=1 --from-literal=b=two`
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeKubeProtobuf } from "./protobuf.ts";
 *
 * const hex = "6b3873000a0f0a0276311209436f6e6669674d617012250a110a017812001a0022002a" +
 *   "0032003800420012060a016112013112080a0162120374776f1a002200";
 * const body = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
 * assert.deepEqual(decodeKubeProtobuf(body, { apiVersion: "v1", kind: "ConfigMap" }), {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "x" },
 *   data: { a: "1", b: "two" },
 * });
 * ```
 */
export function decodeKubeProtobuf(
  bytes: Uint8Array,
  options: DecodeKubeProtobufOptions = {},
): DecodedObject {
  const expected = options.kind;
  const unrecognized = (detail: string) =>
    new ProtobufDecodeError(
      `the object provided is unrecognized${
        expected ? ` (must be of type ${expected})` : ""
      }: ${detail} (${summarize(bytes)})`,
      detail,
    );

  if (bytes.length === 0) throw unrecognized("empty data");
  if (
    bytes.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((b, i) => bytes[i] !== b)
  ) {
    throw unrecognized(
      `provided data does not appear to be a protobuf message, expected prefix [${
        PROTOBUF_MAGIC.join(" ")
      }]`,
    );
  }
  if (bytes.length === PROTOBUF_MAGIC.length) throw unrecognized("empty body");

  // runtime.Unknown
  const envelope: State = new Map();
  try {
    decodeInto({ buf: bytes, pos: PROTOBUF_MAGIC.length, end: bytes.length }, UNKNOWN, envelope, 0);
  } catch (err) {
    if (err instanceof WireError) throw unrecognized(err.message);
    throw err;
  }
  const typeMeta = (envelope.get(UNKNOWN.byNumber.get(1)!) as State | undefined) ?? new Map();
  const sentApiVersion = (typeMeta.get(TYPE_META.byNumber.get(1)!) as string | undefined) ?? "";
  const sentKind = (typeMeta.get(TYPE_META.byNumber.get(2)!) as string | undefined) ?? "";
  const raw = (envelope.get(UNKNOWN.byNumber.get(2)!) as Uint8Array | undefined) ??
    new Uint8Array();

  // kube's copyKindDefaults: the endpoint's kind and version fill the gaps.
  const gvk: GroupVersionKind = { ...parseApiVersion(sentApiVersion), kind: sentKind };
  if (gvk.kind === "" && options.kind) gvk.kind = options.kind;
  if (gvk.version === "" && options.apiVersion) {
    Object.assign(gvk, parseApiVersion(options.apiVersion));
  }
  const typeMetaString = `runtime.TypeMeta{APIVersion:${JSON.stringify(sentApiVersion)}, ` +
    `Kind:${JSON.stringify(sentKind)}}`;
  if (gvk.kind === "") throw unrecognized(`Object 'Kind' is missing in '${typeMetaString}'`);

  const apiVersion = groupVersion(gvk);
  const type = { apiVersion, kind: gvk.kind };
  const cannotHandle = (detail: string) =>
    new ProtobufDecodeError(
      `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${
        expected ?? gvk.kind
      }: ${detail}`,
      detail,
      type,
    );
  if (gvk.version === "") {
    throw cannotHandle(`Object 'apiVersion' is missing in '${typeMetaString}'`);
  }
  const schema = SCHEMAS[`${apiVersion}/${gvk.kind}`];
  if (!Object.hasOwn(SCHEMAS, `${apiVersion}/${gvk.kind}`)) {
    throw cannotHandle(
      `no kind ${JSON.stringify(gvk.kind)} is registered for version ${
        JSON.stringify(apiVersion)
      } in scheme "k1s protobuf"`,
    );
  }
  try {
    const state: State = new Map();
    decodeInto({ buf: raw, pos: 0, end: raw.length }, schema, state, 0);
    return { apiVersion, kind: gvk.kind, ...toJson(schema, state) };
  } catch (err) {
    if (err instanceof WireError) throw cannotHandle(err.message);
    throw err;
  }
}
