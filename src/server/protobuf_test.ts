import assert from "node:assert/strict";
import {
  decodeKubeProtobuf,
  PROTOBUF_KINDS,
  PROTOBUF_MAGIC,
  ProtobufDecodeError,
  supportsProtobuf,
} from "./protobuf.ts";

// ---------------------------------------------------------------------------
// Bodies captured from kubectl (see testdata/capture.ts)
// ---------------------------------------------------------------------------

const TESTDATA = new URL("./testdata/", import.meta.url);

interface Capture {
  file: string;
  kubectl: string;
  command: string;
  path: string;
  contentType: string;
}

const captures: Capture[] = JSON.parse(
  await Deno.readTextFile(new URL("captures.json", TESTDATA)),
);
const fixture = (file: string) => Deno.readFile(new URL(file, TESTDATA));

/** What each command's body decodes to (kubectl 1.32 and 1.33 send the same bytes). */
const EXPECTED: Record<string, Record<string, unknown>> = {
  configmap: {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x" },
    data: { a: "1", b: "two" },
  },
  configmap_binary: {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "bin",
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration":
          '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"bin","creationTimestamp":null},' +
          '"data":{"t":"x"},"binaryData":{"blob":"/wD+gEE="}}\n',
      },
    },
    data: { t: "x" },
    binaryData: { blob: "/wD+gEE=" },
  },
  secret: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { k: "dg==" } },
  secret_docker: {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "reg", namespace: "other" },
    data: {
      ".dockerconfigjson": btoa(
        '{"auths":{"r.example":{"username":"u","password":"p","auth":"dTpw"}}}',
      ),
    },
    type: "kubernetes.io/dockerconfigjson",
  },
  namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: "n" }, spec: {}, status: {} },
  serviceaccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa" } },
  cani: {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: { resourceAttributes: { namespace: "default", verb: "get", resource: "configmaps" } },
    status: { allowed: false },
  },
  cani_subresource: {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: {
      resourceAttributes: {
        namespace: "kube-system",
        verb: "update",
        group: "apps",
        resource: "deployments",
        subresource: "scale",
        name: "web",
      },
    },
    status: { allowed: false },
  },
  cani_nonresource: {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: { nonResourceAttributes: { path: "/logs", verb: "get" } },
    status: { allowed: false },
  },
  cani_list: {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    metadata: {},
    spec: { namespace: "default" },
    status: { incomplete: false },
  },
  whoami: {
    apiVersion: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
    metadata: {},
    status: { userInfo: {} },
  },
  role: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "r" },
    rules: [
      {
        verbs: ["get", "list"],
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: ["a"],
      },
      {
        verbs: ["get", "list"],
        apiGroups: ["apps"],
        resources: ["deployments"],
        resourceNames: ["a"],
      },
    ],
  },
  clusterrole: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "c" },
    rules: [{ verbs: ["get"], nonResourceURLs: ["/logs/*"] }],
  },
  clusterrole_aggregated: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "agg" },
    aggregationRule: {
      clusterRoleSelectors: [{ matchLabels: { "rbac.example/aggregate": "true" } }],
    },
  },
  rolebinding: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "rb" },
    subjects: [
      { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "devs" },
      { kind: "ServiceAccount", name: "sa", namespace: "ns" },
    ],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
  },
  clusterrolebinding: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "crb" },
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "c" },
  },
  token: {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: {},
    spec: { audiences: ["a1", "a2"], expirationSeconds: 600 },
    status: { token: "" },
  },
};

const caseOf = (file: string) => file.slice(0, file.indexOf("."));
const pbCaptures = captures.filter((c) => c.file.endsWith(".pb"));

/** JSON with every `null` removed: kube's decoder reads null as absent. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]),
    );
  }
  return v;
}

Deno.test("captures: kubectl 1.32 and 1.33 bodies for every command are fixtures", () => {
  for (const minor of ["1.32", "1.33"]) {
    const cases = pbCaptures.filter((c) => c.kubectl.startsWith(`v${minor}.`)).map((c) =>
      caseOf(c.file)
    );
    assert.deepEqual(cases.sort(), Object.keys(EXPECTED).sort(), minor);
  }
  for (const c of pbCaptures) {
    assert.deepEqual(c.contentType, "application/vnd.kubernetes.protobuf");
  }
});

for (const c of pbCaptures) {
  Deno.test(`captures: ${c.file} (${c.command}) decodes to its JSON form`, async () => {
    const decoded = decodeKubeProtobuf(await fixture(c.file));
    assert.deepEqual(decoded, EXPECTED[caseOf(c.file)]);
  });
}

Deno.test("captures: decoded protobuf equals kubectl 1.31's JSON body for the same command, less nulls", async () => {
  const json = captures.filter((c) => c.file.endsWith(".json"));
  assert.ok(json.length >= 15);
  for (const j of json) {
    const name = caseOf(j.file);
    const pb = pbCaptures.find((c) => caseOf(c.file) === name)!;
    assert.deepEqual(pb.path, j.path, name);
    const sent = JSON.parse(new TextDecoder().decode(await fixture(j.file)));
    assert.deepEqual(decodeKubeProtobuf(await fixture(pb.file)), withoutNulls(sent), name);
  }
});

Deno.test("captures: the endpoint's kind and version as options change nothing for a typed body", async () => {
  for (const c of pbCaptures) {
    const expected = EXPECTED[caseOf(c.file)];
    const options = { apiVersion: expected.apiVersion as string, kind: expected.kind as string };
    assert.deepEqual(decodeKubeProtobuf(await fixture(c.file), options), expected);
  }
});

// ---------------------------------------------------------------------------
// A tiny encoder for hand-made bodies
// ---------------------------------------------------------------------------

type Part = number | Uint8Array | readonly Part[];

function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (p: Part) => {
    if (typeof p === "number") out.push(p);
    else if (p instanceof Uint8Array) { for (const b of p) out.push(b); }
    else p.forEach(add);
  };
  parts.forEach(add);
  return new Uint8Array(out);
}

function varint(n: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return new Uint8Array(out);
}

const tag = (field: number, wireType: number) => varint(field * 8 + wireType);
const len = (field: number, ...body: Part[]) => {
  const b = bytes(...body);
  return bytes(tag(field, 2), varint(b.length), b);
};
const str = (field: number, s: string) => len(field, new TextEncoder().encode(s));
const num = (field: number, n: number | bigint) => bytes(tag(field, 0), varint(n));
const entry = (field: number, key: string, value: string) => len(field, str(1, key), str(2, value));

function envelope(apiVersion: string, kind: string, raw: Uint8Array, ...extra: Part[]) {
  return bytes(PROTOBUF_MAGIC, len(1, str(1, apiVersion), str(2, kind)), len(2, raw), extra);
}

function decodeError(
  body: Uint8Array,
  options?: { apiVersion?: string; kind?: string },
): ProtobufDecodeError {
  try {
    decodeKubeProtobuf(body, options);
  } catch (err) {
    assert.ok(err instanceof ProtobufDecodeError, String(err));
    return err;
  }
  throw new Error("decoded, expected a ProtobufDecodeError");
}

// ---------------------------------------------------------------------------
// Field semantics
// ---------------------------------------------------------------------------

Deno.test("fields: ObjectMeta reads every field, times as RFC 3339 and int64s as numbers", () => {
  const meta = len(
    1,
    str(1, "cm"),
    str(2, "cm-"),
    str(3, "ns"),
    str(5, "0b3c"),
    str(6, "42"),
    num(7, 3),
    len(8, num(1, 1735689600), num(2, 999)),
    len(9, num(1, 253402300799)),
    num(10, -1),
    entry(11, "app", "web"),
    entry(12, "note", "x"),
    len(13, str(1, "Deployment"), str(3, "web"), str(4, "u1"), str(5, "apps/v1"), num(6, 1)),
    len(13, str(1, "Other"), str(3, "o"), str(4, "u2"), str(5, "v1"), num(7, 0)),
    str(14, "example.com/f"),
    str(14, "example.com/g"),
    len(
      17,
      str(1, "kubectl"),
      str(2, "Update"),
      str(3, "v1"),
      len(4, num(1, 0)),
      str(6, "FieldsV1"),
      len(7, str(1, '{"f:data":{"f:a":{}}}')),
    ),
  );
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", meta)), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "cm",
      generateName: "cm-",
      namespace: "ns",
      uid: "0b3c",
      resourceVersion: "42",
      generation: 3,
      creationTimestamp: "2025-01-01T00:00:00Z",
      deletionTimestamp: "9999-12-31T23:59:59Z",
      deletionGracePeriodSeconds: -1,
      labels: { app: "web" },
      annotations: { note: "x" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "u1", controller: true },
        { apiVersion: "v1", kind: "Other", name: "o", uid: "u2", blockOwnerDeletion: false },
      ],
      finalizers: ["example.com/f", "example.com/g"],
      managedFields: [{
        manager: "kubectl",
        operation: "Update",
        apiVersion: "v1",
        time: "1970-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:a": {} } },
      }],
    },
  });
});

Deno.test("fields: empty and Go-zero times are left out, as JSON null", () => {
  const meta = len(1, str(1, "cm"), len(8), len(9, num(1, -62135596800)));
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", meta)).metadata, { name: "cm" });
});

Deno.test("fields: Go pointers are written when on the wire, even false", () => {
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", num(4, 0))), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {},
    immutable: false,
  });
  const sa = bytes(
    len(1, str(1, "sa")),
    len(2, str(1, "Secret"), str(3, "tok")),
    len(3, str(1, "pull")),
    num(4, 0),
  );
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ServiceAccount", sa)), {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "sa" },
    secrets: [{ kind: "Secret", name: "tok" }],
    imagePullSecrets: [{ name: "pull" }],
    automountServiceAccountToken: false,
  });
});

Deno.test("fields: Secret data is base64, stringData and type and immutable pass through", () => {
  const secret = bytes(
    len(1, str(1, "s")),
    len(2, str(1, "bin"), len(2, new Uint8Array([0, 1, 2, 0xff]))),
    len(2, str(1, "empty")),
    entry(4, "plain", "text"),
    str(3, "Opaque"),
    num(5, 1),
  );
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "Secret", secret)), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s" },
    immutable: true,
    data: { bin: "AAEC/w==", empty: "" },
    stringData: { plain: "text" },
    type: "Opaque",
  });
});

Deno.test("fields: maps keep the last of a repeated key, sort keys, and keep __proto__ as a key", () => {
  const cm = bytes(
    entry(2, "z", "1"),
    entry(2, "a", "1"),
    entry(2, "z", "2"),
    entry(2, "__proto__", "p"),
  );
  const out = decodeKubeProtobuf(envelope("v1", "ConfigMap", cm)).data as Record<string, string>;
  assert.deepEqual(Object.keys(out), ["__proto__", "a", "z"]);
  assert.deepEqual(out.z, "2");
  assert.ok(Object.hasOwn(out, "__proto__"));
  assert.deepEqual(Object.getPrototypeOf(out), Object.prototype);
});

Deno.test("fields: Namespace finalizers and status; SelfSubjectAccessReview selectors", () => {
  const ns = bytes(len(1, str(1, "n")), len(2, str(1, "kubernetes")), len(3, str(1, "Active")));
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "Namespace", ns)), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "n" },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
  const ssar = len(
    2,
    len(
      1,
      str(2, "list"),
      str(5, "pods"),
      len(8, str(1, "spec.nodeName=a"), len(2, str(1, "spec.nodeName"), str(2, "In"), str(3, "a"))),
      len(9, str(1, "app=web")),
    ),
  );
  assert.deepEqual(
    decodeKubeProtobuf(envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", ssar)).spec,
    {
      resourceAttributes: {
        verb: "list",
        resource: "pods",
        fieldSelector: {
          rawSelector: "spec.nodeName=a",
          requirements: [{ key: "spec.nodeName", operator: "In", values: ["a"] }],
        },
        labelSelector: { rawSelector: "app=web" },
      },
    },
  );
});

Deno.test("fields: UserInfo extra values are plain string lists", () => {
  const ssr = len(
    2,
    len(1, str(1, "me"), str(3, "g"), len(4, str(1, "scopes"), len(2, str(1, "a")))),
  );
  assert.deepEqual(
    decodeKubeProtobuf(envelope("authentication.k8s.io/v1", "SelfSubjectReview", ssr)),
    {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
      metadata: {},
      status: { userInfo: { username: "me", groups: ["g"], extra: { scopes: ["a"] } } },
    },
  );
});

Deno.test("fields: a repeated message field merges, a repeated scalar keeps the last", () => {
  const cm = bytes(
    len(1, str(1, "a"), entry(11, "x", "1")),
    len(1, str(1, "b"), entry(11, "y", "2")),
  );
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", cm)).metadata, {
    name: "b",
    labels: { x: "1", y: "2" },
  });
});

Deno.test("fields: unknown fields of every wire type are skipped, in the object and the envelope", () => {
  const unknown = bytes(
    num(99, 12345678901234n),
    tag(98, 1),
    [1, 2, 3, 4, 5, 6, 7, 8],
    len(97, 1, 2, 3),
    tag(96, 5),
    [1, 2, 3, 4],
    tag(95, 3),
    num(1, 1),
    len(2, 0xff),
    tag(94, 3),
    tag(94, 4),
    tag(95, 4),
  );
  const raw = bytes(len(1, str(1, "x"), unknown), unknown, entry(2, "a", "1"), unknown);
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", raw, unknown, str(4, "t"))), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x" },
    data: { a: "1" },
  });
});

Deno.test("fields: invalid UTF-8 in strings becomes U+FFFD, as Go's JSON encoder writes it", () => {
  const cm = len(1, len(1, new Uint8Array([0x61, 0xff, 0x62])));
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", cm)).metadata, {
    name: "a\ufffdb",
  });
});

// ---------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------

Deno.test("envelope: a missing kind or version is taken from the options, as kube's handler defaults it", () => {
  const body = bytes(PROTOBUF_MAGIC, len(1), len(2, len(1, str(1, "x"))));
  assert.deepEqual(decodeKubeProtobuf(body, { apiVersion: "v1", kind: "ConfigMap" }), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x" },
  });
  const noVersion = bytes(PROTOBUF_MAGIC, len(1, str(2, "ConfigMap")), len(2));
  assert.deepEqual(decodeKubeProtobuf(noVersion, { apiVersion: "v1" }).apiVersion, "v1");
});

Deno.test("envelope: no kind and no default is kube's missing-kind error", () => {
  const body = bytes(PROTOBUF_MAGIC, len(1, str(1, "v1")), len(2));
  const err = decodeError(body);
  assert.deepEqual(
    err.detail,
    `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`,
  );
  assert.deepEqual(
    err.message,
    `the object provided is unrecognized: ${err.detail} (6b3873000a040a0276311200)`,
  );
  const withKind = decodeError(body, { apiVersion: "v1" });
  assert.ok(withKind.message.startsWith("the object provided is unrecognized: Object 'Kind'"));
});

Deno.test("envelope: no version is kube's missing-version error", () => {
  const err = decodeError(bytes(PROTOBUF_MAGIC, len(1, str(2, "ConfigMap"))));
  assert.deepEqual(
    err.message,
    `ConfigMap in version "" cannot be handled as a ConfigMap: Object 'apiVersion' is missing in ` +
      `'runtime.TypeMeta{APIVersion:"", Kind:"ConfigMap"}'`,
  );
});

Deno.test("envelope: an unknown kind is refused with kube's not-registered wording", () => {
  const err = decodeError(envelope("example.com/v1", "Widget", len(1, str(1, "w"))));
  assert.deepEqual(
    err.message,
    `Widget in version "v1" cannot be handled as a Widget: no kind "Widget" is registered for ` +
      `version "example.com/v1" in scheme "k1s protobuf"`,
  );
  assert.deepEqual([err.apiVersion, err.kind], ["example.com/v1", "Widget"]);
  // A built-in kind k1s has no schema for is refused the same way.
  const deploy = decodeError(envelope("apps/v1", "Deployment", new Uint8Array()), {
    kind: "Deployment",
  });
  assert.ok(deploy.message.includes(`no kind "Deployment" is registered for version "apps/v1"`));
  // Names that exist on Object.prototype are not kinds.
  decodeError(envelope("v1", "constructor", new Uint8Array()));
  decodeError(bytes(PROTOBUF_MAGIC, len(1, str(1, "__proto__"), str(2, "x"))));
});

Deno.test("envelope: the error names the endpoint's kind when given", () => {
  const err = decodeError(envelope("v1", "Secret", bytes(tag(2, 0), 1)), { kind: "ConfigMap" });
  assert.deepEqual(
    err.message,
    `Secret in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Data`,
  );
});

Deno.test("kinds: supportsProtobuf and PROTOBUF_KINDS name the decodable kinds", () => {
  for (const k of PROTOBUF_KINDS) assert.ok(supportsProtobuf(k.apiVersion, k.kind), k.kind);
  for (const name of Object.keys(EXPECTED)) {
    const { apiVersion, kind } = EXPECTED[name] as { apiVersion: string; kind: string };
    assert.ok(supportsProtobuf(apiVersion, kind), kind);
  }
  assert.ok(!supportsProtobuf("example.com/v1", "Widget"));
  assert.ok(!supportsProtobuf("v1", "Pod"));
  assert.ok(!supportsProtobuf("v1", "constructor"));
  assert.ok(!supportsProtobuf("rbac.authorization.k8s.io/v1", "configmap"));
});

// ---------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------

Deno.test("malformed: empty body, wrong magic and magic alone", () => {
  assert.deepEqual(
    decodeError(new Uint8Array(), { kind: "ConfigMap" }).message,
    "the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)",
  );
  assert.deepEqual(
    decodeError(new TextEncoder().encode('{"kind":"ConfigMap"}'), { kind: "ConfigMap" }).message,
    "the object provided is unrecognized (must be of type ConfigMap): provided data does not " +
      'appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
  );
  assert.deepEqual(
    decodeError(bytes(0x6b, 0x38, 0x73, 0x01, 0x0a, 0x00)).detail,
    "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
  );
  assert.deepEqual(decodeError(bytes(0x6b, 0x38)).detail.slice(0, 24), "provided data does not a");
  assert.deepEqual(decodeError(bytes(PROTOBUF_MAGIC)).detail, "empty body");
});

Deno.test("malformed: the hex summary stops at 30 bytes", () => {
  const err = decodeError(
    bytes(PROTOBUF_MAGIC, len(1, str(1, "v1")), tag(9, 2), varint(100), new Uint8Array(40)),
  );
  assert.deepEqual(err.detail, "unexpected EOF");
  assert.ok(err.message.endsWith(" ...)"), err.message);
  assert.deepEqual(err.message.match(/\(([0-9a-f]+) \.\.\.\)$/)?.[1].length, 60);
});

Deno.test("malformed: every truncation of every capture throws ProtobufDecodeError or decodes", async () => {
  for (const c of pbCaptures) {
    const body = await fixture(c.file);
    for (let n = 0; n < body.length; n++) {
      try {
        const obj = decodeKubeProtobuf(body.subarray(0, n));
        assert.deepEqual(typeof obj.kind, "string");
      } catch (err) {
        assert.ok(err instanceof ProtobufDecodeError, `${c.file} cut at ${n}`);
      }
    }
  }
});

Deno.test("malformed: a truncated envelope and a truncated object say unexpected EOF", async () => {
  const body = await fixture("configmap.1.32.pb");
  const cut = decodeError(body.subarray(0, 30), { kind: "ConfigMap" });
  assert.deepEqual(
    cut.message,
    "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF " +
      `(${Array.from(body.subarray(0, 30), (b) => b.toString(16).padStart(2, "0")).join("")})`,
  );
  // The object's own message cut short, inside a well-formed envelope.
  const raw = bytes(len(1, str(1, "x")), tag(2, 2), varint(10), 0x0a);
  assert.deepEqual(
    decodeError(envelope("v1", "ConfigMap", raw)).message,
    `ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF`,
  );
});

Deno.test("malformed: a varint longer than ten bytes is an integer overflow", () => {
  const long = new Uint8Array(11).fill(0xff);
  assert.deepEqual(
    decodeError(bytes(PROTOBUF_MAGIC, long, 0x00)).detail,
    "proto: integer overflow",
  );
  // As a length, and inside the object.
  assert.deepEqual(
    decodeError(bytes(PROTOBUF_MAGIC, 0x0a, long, 0x00)).detail,
    "proto: integer overflow",
  );
  assert.deepEqual(
    decodeError(envelope("v1", "ConfigMap", bytes(num(4, 0).subarray(0, 1), long))).detail,
    "proto: integer overflow",
  );
  // Ten bytes is the longest legal varint: -1 as an int64.
  assert.deepEqual(
    decodeKubeProtobuf(envelope("v1", "ConfigMap", len(1, num(10, -1)))).metadata,
    { deletionGracePeriodSeconds: -1 },
  );
});

Deno.test("malformed: a length past the end, and a negative length", () => {
  assert.deepEqual(decodeError(bytes(PROTOBUF_MAGIC, 0x0a, 0x05, 0x0a)).detail, "unexpected EOF");
  assert.deepEqual(
    decodeError(bytes(PROTOBUF_MAGIC, 0x12, varint(2n ** 40n), 0x00)).detail,
    "unexpected EOF",
  );
  assert.deepEqual(
    decodeError(bytes(PROTOBUF_MAGIC, 0x12, varint(-5), 0x00)).detail,
    "proto: negative length found during unmarshaling",
  );
  // A sub-message whose field runs past the sub-message's own end.
  const raw = bytes(tag(1, 2), varint(3), tag(1, 2), varint(5), 0x61);
  assert.deepEqual(
    decodeError(envelope("v1", "ConfigMap", bytes(raw, 0x62, 0x63, 0x64))).detail,
    "unexpected EOF",
  );
});

Deno.test("malformed: tags and wire types kube rejects", () => {
  const cases: [Uint8Array, string][] = [
    [bytes(PROTOBUF_MAGIC, 0x00), "proto: Unknown: illegal tag 0 (wire type 0)"],
    [bytes(PROTOBUF_MAGIC, 0x02, 0x00), "proto: Unknown: illegal tag 0 (wire type 2)"],
    [bytes(PROTOBUF_MAGIC, 0x0c), "proto: Unknown: wiretype end group for non-group"],
    [bytes(PROTOBUF_MAGIC, 0x08, 0x01), "proto: wrong wireType = 0 for field TypeMeta"],
    [bytes(PROTOBUF_MAGIC, tag(9, 6)), "proto: illegal wireType 6"],
    [bytes(PROTOBUF_MAGIC, tag(9, 7)), "proto: illegal wireType 7"],
    [bytes(PROTOBUF_MAGIC, tag(9, 3), tag(9, 7)), "proto: illegal wireType 7"],
    [bytes(PROTOBUF_MAGIC, tag(9, 1), 1, 2, 3), "unexpected EOF"],
    [bytes(PROTOBUF_MAGIC, tag(9, 5), 1, 2, 3), "unexpected EOF"],
    [bytes(PROTOBUF_MAGIC, tag(9, 3), num(1, 1)), "unexpected EOF"],
    [envelope("v1", "ConfigMap", bytes(0x00)), "proto: ConfigMap: illegal tag 0 (wire type 0)"],
    [envelope("v1", "ConfigMap", bytes(tag(2, 0), 1)), "proto: wrong wireType = 0 for field Data"],
    [
      envelope("v1", "ConfigMap", bytes(tag(1, 0), 1)),
      "proto: wrong wireType = 0 for field ObjectMeta",
    ],
    [
      envelope("v1", "ConfigMap", bytes(tag(4, 2), 0)),
      "proto: wrong wireType = 2 for field Immutable",
    ],
    [
      envelope("v1", "ConfigMap", len(1, 0x0c)),
      "proto: ObjectMeta: wiretype end group for non-group",
    ],
    [
      envelope("v1", "ConfigMap", len(1, len(8, tag(1, 2), 0))),
      "proto: wrong wireType = 2 for field Seconds",
    ],
    [envelope("v1", "ConfigMap", len(2, tag(2, 0), 1)), "proto: wrong wireType = 0 for field Data"],
    [envelope("v1", "ConfigMap", len(2, 0x1c)), "proto: unexpected end of group"],
  ];
  for (const [body, detail] of cases) assert.deepEqual(decodeError(body).detail, detail);
});

Deno.test("malformed: deep nesting is refused, not recursed into", () => {
  const open = new Uint8Array(1 << 20).fill(tag(9, 3)[0]);
  assert.deepEqual(
    decodeError(bytes(PROTOBUF_MAGIC, open)).detail,
    "proto: exceeded maximum nesting depth of 100",
  );
  const deepRaw = bytes(
    new Uint8Array(101).fill(tag(9, 3)[0]),
    new Uint8Array(101).fill(tag(9, 4)[0]),
  );
  assert.deepEqual(
    decodeError(envelope("v1", "ConfigMap", deepRaw)).detail,
    "proto: exceeded maximum nesting depth of 100",
  );
  // Balanced groups within the cap are skipped like any unknown field.
  const shallow = bytes(
    new Uint8Array(50).fill(tag(9, 3)[0]),
    new Uint8Array(50).fill(tag(9, 4)[0]),
  );
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", shallow)).metadata, {});
  // Nested length-delimited bytes in an unknown field are never parsed.
  let nested = str(1, "x");
  for (let i = 0; i < 1_000; i++) nested = len(9, nested);
  assert.deepEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", nested)).metadata, {});
  // FieldsV1 carries JSON: its nesting is capped too.
  const deepJson = "[".repeat(200_000) + "]".repeat(200_000);
  const managed = len(1, len(17, len(7, str(1, deepJson))));
  assert.deepEqual(
    decodeError(envelope("v1", "ConfigMap", managed)).detail,
    "FieldsV1 nests deeper than 100 levels",
  );
  const badJson = len(1, len(17, len(7, str(1, "{not json"))));
  assert.ok(
    decodeError(envelope("v1", "ConfigMap", badJson)).detail.startsWith(
      "FieldsV1 is not valid JSON",
    ),
  );
});

Deno.test("malformed: random corruptions of the captures never escape as other errors", async () => {
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const bodies = await Promise.all(pbCaptures.map((c) => fixture(c.file)));
  let decoded = 0;
  let refused = 0;
  for (let i = 0; i < 20_000; i++) {
    const body = bodies[i % bodies.length].slice();
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) {
      const at = PROTOBUF_MAGIC.length +
        Math.floor(random() * (body.length - PROTOBUF_MAGIC.length));
      body[at] = Math.floor(random() * 256);
    }
    try {
      const obj = decodeKubeProtobuf(body);
      JSON.stringify(obj);
      decoded++;
    } catch (err) {
      assert.ok(err instanceof ProtobufDecodeError);
      refused++;
    }
  }
  assert.ok(decoded > 0 && refused > 0, `${decoded} decoded, ${refused} refused`);
});
