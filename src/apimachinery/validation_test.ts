import assert from "node:assert/strict";
import { formatFieldError } from "./errors.ts";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateFinalizerName,
  validateFinalizers,
  validateLabels,
  validateObjectName,
  validateOwnerReferences,
} from "./validation.ts";

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

Deno.test("isDNS1123Subdomain: valid", () => {
  for (const v of ["a", "ab", "a-b", "0", "example.com", "a.b.c", "1.2.3.4", "a".repeat(253)]) {
    assert.deepEqual(isDNS1123Subdomain(v), [], v);
  }
});

Deno.test("isDNS1123Subdomain: invalid with exact messages", () => {
  for (const v of ["", "A", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "ä"]) {
    assert.deepEqual(isDNS1123Subdomain(v), [SUBDOMAIN_MSG], v);
  }
  assert.deepEqual(isDNS1123Subdomain("a".repeat(254)), ["must be no more than 253 characters"]);
  assert.deepEqual(isDNS1123Subdomain("A".repeat(254)), [
    "must be no more than 253 characters",
    SUBDOMAIN_MSG,
  ]);
});

Deno.test("isDNS1123Label", () => {
  assert.deepEqual(isDNS1123Label("my-name"), []);
  assert.deepEqual(isDNS1123Label("123-abc"), []);
  assert.deepEqual(isDNS1123Label("a".repeat(63)), []);
  assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
  assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
  assert.deepEqual(isDNS1123Label("My"), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label(""), [LABEL_MSG]);
});

Deno.test("isDNS1035Label", () => {
  assert.deepEqual(isDNS1035Label("abc-123"), []);
  assert.deepEqual(isDNS1035Label("1abc"), [DNS1035_MSG]);
  assert.deepEqual(isDNS1035Label("a.b"), [DNS1035_MSG]);
  assert.deepEqual(isDNS1035Label("a".repeat(64)), ["must be no more than 63 characters"]);
});

Deno.test("isQualifiedName: valid", () => {
  for (
    const v of [
      "simple",
      "now-with-dashes",
      "1-starts-with-num",
      "1234",
      "simple/simple",
      "now-with-dashes/simple",
      "now-with-dashes/now-with-dashes",
      "now.with.dots/simple",
      "now-with.dashes-and.dots/simple",
      "1-num.2-num/3-num",
      "1234/5678",
      "1.2.3.4/5678",
      "Uppercase_Is_OK_123",
      "example.com/Uppercase_Is_OK_123",
      "requests.storage-foo",
      "a".repeat(63),
      "a".repeat(253) + "/" + "b".repeat(63),
    ]
  ) {
    assert.deepEqual(isQualifiedName(v), [], v);
  }
});

Deno.test("isQualifiedName: invalid", () => {
  assert.deepEqual(isQualifiedName("nospecialchars%^=@"), [NAME_PART_MSG]);
  assert.deepEqual(isQualifiedName("cantendwithadash-"), [NAME_PART_MSG]);
  assert.deepEqual(isQualifiedName("only/one/slash"), [
    "a valid label key " +
    NAME_PART_MSG.slice("name part ".length) +
    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
  assert.deepEqual(isQualifiedName("/simple"), ["prefix part must be non-empty"]);
  assert.deepEqual(isQualifiedName("example.com/"), [
    "name part must be non-empty",
    NAME_PART_MSG,
  ]);
  assert.deepEqual(isQualifiedName(""), ["name part must be non-empty", NAME_PART_MSG]);
  assert.deepEqual(isQualifiedName("Example.com/x"), ["prefix part " + SUBDOMAIN_MSG]);
  assert.deepEqual(isQualifiedName("a".repeat(64)), [
    "name part must be no more than 63 characters",
  ]);
  assert.deepEqual(isQualifiedName("a".repeat(254) + "/b"), [
    "prefix part must be no more than 253 characters",
  ]);
});

Deno.test("isValidLabelValue", () => {
  for (
    const v of ["", "simple", "now-with-dashes", "1-starts", "1234", "a_b.c-d", "A".repeat(63)]
  ) {
    assert.deepEqual(isValidLabelValue(v), [], v);
  }
  for (
    const v of ["nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes", "-x", "x_"]
  ) {
    assert.deepEqual(isValidLabelValue(v), [VALUE_MSG], v);
  }
  assert.deepEqual(isValidLabelValue("a".repeat(64)), ["must be no more than 63 characters"]);
  // Multi-byte characters count as bytes (Go's len), whatever the message says.
  assert.equal(isValidLabelValue("é".repeat(32)).length, 2);
});

Deno.test("name validators with generateName prefix masking", () => {
  assert.deepEqual(nameIsDNSSubdomain("foo-"), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSSubdomain("foo-", true), []);
  assert.deepEqual(nameIsDNSSubdomain("-", true), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSSubdomain("Foo-", true), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSLabel("ns-", true), []);
  assert.deepEqual(nameIsDNSLabel("a.b-", true), ["must not contain dots"]);
  assert.deepEqual(nameIsDNS1035Label("svc-", true), []);
  assert.deepEqual(nameIsDNS1035Label("1svc-", true), [DNS1035_MSG]);
});

Deno.test("validateObjectName", () => {
  assert.deepEqual(validateObjectName({ name: "ok" }), []);
  assert.deepEqual(validateObjectName({ name: "ok-x1y2z", generateName: "ok-" }), []);
  const errs = validateObjectName({ name: "Bad" }, { path: "metadata" });
  assert.deepEqual(errs.map(formatFieldError), [
    `metadata.name: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
  ]);
  const gen = validateObjectName({ generateName: "Bad-" }, { nameFn: nameIsDNSLabel });
  assert.deepEqual(gen.map(formatFieldError), [
    `metadata.generateName: Invalid value: "Bad-": ${LABEL_MSG}`,
    "metadata.name: Required value: name or generateName is required",
  ]);
});

Deno.test("validateLabels", () => {
  assert.deepEqual(validateLabels(undefined, "metadata.labels"), []);
  assert.deepEqual(validateLabels({ "app.kubernetes.io/name": "web", empty: "" }, "x"), []);
  const errs = validateLabels({ "bad key": "ok", good: "bad value" }, "metadata.labels");
  assert.deepEqual(errs.map(formatFieldError), [
    `metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`,
    `metadata.labels: Invalid value: "bad value": ${VALUE_MSG}`,
  ]);
});

Deno.test("validateAnnotations: keys are lower-cased, values free", () => {
  assert.deepEqual(
    validateAnnotations({ "Example.COM/Key": "anything goes: ~!@#" }, "metadata.annotations"),
    [],
  );
  const errs = validateAnnotations({ "a/b/c": "" }, "metadata.annotations");
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, "metadata.annotations");
  assert.equal(errs[0].badValue, "a/b/c");
});

Deno.test("validateAnnotations: total size limit", () => {
  const exactly = { k: "x".repeat(262144 - 1) };
  assert.deepEqual(validateAnnotations(exactly, "metadata.annotations"), []);
  const over = { k: "x".repeat(262144) };
  assert.deepEqual(validateAnnotations(over, "metadata.annotations").map(formatFieldError), [
    "metadata.annotations: Too long: may not be more than 262144 bytes",
  ]);
});

Deno.test("validateFinalizerName / validateFinalizers", () => {
  for (const f of ["kubernetes", "orphan", "foregroundDeletion", "example.com/cleanup"]) {
    assert.deepEqual(validateFinalizerName(f, "metadata.finalizers"), [], f);
  }
  assert.deepEqual(
    validateFinalizerName("bad name", "metadata.finalizers").map(formatFieldError),
    [`metadata.finalizers: Invalid value: "bad name": ${NAME_PART_MSG}`],
  );
  assert.deepEqual(validateFinalizers(["orphan"], "f"), []);
  const both = validateFinalizers(["foregroundDeletion", "orphan"], "metadata.finalizers");
  assert.deepEqual(both.map(formatFieldError), [
    'metadata.finalizers: Invalid value: ["foregroundDeletion","orphan"]: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
});

Deno.test("validateOwnerReferences", () => {
  const ok = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1", controller: true };
  assert.deepEqual(validateOwnerReferences([ok], "metadata.ownerReferences"), []);
  const empty = validateOwnerReferences(
    [{ apiVersion: "apps/", kind: "", name: "", uid: "" }],
    "metadata.ownerReferences",
  );
  assert.deepEqual(empty.map(formatFieldError), [
    'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
    'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
  ]);
  const event = validateOwnerReferences(
    [{ apiVersion: "v1", kind: "Event", name: "e", uid: "u" }],
    "metadata.ownerReferences",
  );
  assert.equal(event.length, 1);
  assert.match(formatFieldError(event[0]), /\/v1, Kind=Event is disallowed from being an owner$/);
  const two = validateOwnerReferences(
    [ok, { apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "u2", controller: true }],
    "metadata.ownerReferences",
  );
  assert.equal(two.length, 1);
  assert.match(
    two[0].detail!,
    /^Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and Deployment\/d$/,
  );
});
