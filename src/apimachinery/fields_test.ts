import assert from "node:assert/strict";
import {
  escapeFieldValue,
  everythingFields,
  fieldSelectorFromSet,
  getFieldValue,
  parseFieldSelector,
  unescapeFieldValue,
  validateFieldSelectorFields,
} from "./fields.ts";
import { SelectorParseError } from "./labels.ts";

Deno.test("parse: good strings (k8s TestSelectorParse)", () => {
  for (const s of ["", "x=a,y=b,z=c", "x!=a,y=b", "x=", "x=,z= ", "x= ,z= "]) {
    const sel = parseFieldSelector(s);
    assert.equal(sel.toString(), s.split(",").filter((t) => t).sort().join(","), s);
  }
  assert.equal(parseFieldSelector("x==a").toString(), "x=a");
  assert.deepEqual(parseFieldSelector("x==a").requirements, [{
    field: "x",
    operator: "=",
    value: "a",
  }]);
  assert.ok(parseFieldSelector(",,").empty());
  assert.ok(parseFieldSelector("=").empty());
  assert.ok(parseFieldSelector("").empty());
  assert.ok(everythingFields().empty());
});

Deno.test("parse: operator precedence and odd terms", () => {
  assert.deepEqual(parseFieldSelector("a!=b").requirements, [{
    field: "a",
    operator: "!=",
    value: "b",
  }]);
  assert.deepEqual(parseFieldSelector("a=!b").requirements, [{
    field: "a",
    operator: "=",
    value: "!b",
  }]);
  assert.deepEqual(parseFieldSelector("a==b").requirements, [{
    field: "a",
    operator: "=",
    value: "b",
  }]);
  assert.deepEqual(parseFieldSelector("=b").requirements, [{
    field: "",
    operator: "=",
    value: "b",
  }]);
  assert.deepEqual(parseFieldSelector("spec.x = y").requirements, [
    { field: "spec.x ", operator: "=", value: " y" },
  ]);
});

Deno.test("parse: escaping", () => {
  const s = parseFieldSelector("metadata.name=a\\,b\\=c\\\\d");
  assert.deepEqual(s.requirements, [{ field: "metadata.name", operator: "=", value: "a,b=c\\d" }]);
  assert.equal(s.toString(), "metadata.name=a\\,b\\=c\\\\d");
  assert.ok(s.matches({ "metadata.name": "a,b=c\\d" }));
});

Deno.test("parse errors: exact Kubernetes messages", () => {
  assert.throws(() => parseFieldSelector("x"), {
    name: "SelectorParseError",
    message: "invalid selector: 'x'; can't understand 'x'",
  });
  assert.throws(() => parseFieldSelector("a=b,c"), {
    message: "invalid selector: 'a=b,c'; can't understand 'c'",
  });
  assert.throws(() => parseFieldSelector("x=a||y=b"), {
    message: "invalid field selector: unescaped character in value: 61",
  });
  assert.throws(() => parseFieldSelector("x==a==b"), {
    message: "invalid field selector: unescaped character in value: 61",
  });
  assert.throws(() => parseFieldSelector("x=a\\b"), {
    message: "invalid field selector: invalid escape sequence: \\b",
  });
  assert.throws(() => parseFieldSelector("x=a\\"), {
    message: "invalid field selector: invalid escape sequence: \\",
  });
  assert.throws(() => parseFieldSelector("x"), SelectorParseError);
});

Deno.test("matches: missing fields are empty", () => {
  assert.ok(parseFieldSelector("x=").matches({}));
  assert.ok(parseFieldSelector("x!=a").matches({}));
  assert.ok(!parseFieldSelector("x=a").matches({}));
  assert.ok(parseFieldSelector("x=a,y!=b").matches({ x: "a", y: "c" }));
  assert.ok(!parseFieldSelector("x=a,y!=b").matches({ x: "a", y: "b" }));
  assert.ok(parseFieldSelector("").matches({ any: "thing" }));
  assert.ok(!parseFieldSelector("constructor=x").matches({}));
});

Deno.test("requiresExactMatch", () => {
  const s = parseFieldSelector("metadata.name=web,metadata.namespace!=kube-system");
  assert.equal(s.requiresExactMatch("metadata.name"), "web");
  assert.equal(s.requiresExactMatch("metadata.namespace"), undefined);
});

Deno.test("escape / unescape round-trip", () => {
  for (const v of ["", "plain", "a,b", "a=b", "\\", "x\\,=y"]) {
    assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
  }
  assert.throws(() => unescapeFieldValue("a,b"), /unescaped character in value: 44/);
});

Deno.test("fieldSelectorFromSet", () => {
  const s = fieldSelectorFromSet({ "spec.b": "2", "spec.a": "1" });
  assert.equal(s.toString(), "spec.a=1,spec.b=2");
  assert.ok(fieldSelectorFromSet(undefined).empty());
});

Deno.test("validateFieldSelectorFields", () => {
  const allowed = ["metadata.name", "metadata.namespace", "spec.category"];
  validateFieldSelectorFields(parseFieldSelector("spec.category=a,metadata.name!=b"), allowed);
  validateFieldSelectorFields(parseFieldSelector(""), []);
  assert.throws(
    () => validateFieldSelectorFields(parseFieldSelector("spec.foo=bar,metadata.name=x"), allowed),
    { name: "SelectorParseError", message: "field label not supported: spec.foo" },
  );
  assert.throws(
    () =>
      validateFieldSelectorFields(parseFieldSelector("spec.foo=bar"), allowed, {
        style: "notKnown",
      }),
    {
      message:
        '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    },
  );
});

Deno.test("getFieldValue", () => {
  const obj = {
    metadata: { name: "x", labels: { "app.kubernetes.io/name": "web" } },
    spec: { n: 42, f: 1.5, t: true, nil: null, obj: { a: 1 }, arr: [1] },
  };
  assert.equal(getFieldValue(obj, "metadata.name"), "x");
  assert.equal(getFieldValue(obj, ".metadata.name"), "x");
  assert.equal(getFieldValue(obj, "spec.n"), "42");
  assert.equal(getFieldValue(obj, "spec.f"), "1.5");
  assert.equal(getFieldValue(obj, "spec.t"), "true");
  assert.equal(getFieldValue(obj, "spec.nil"), undefined);
  assert.equal(getFieldValue(obj, "spec.obj"), undefined);
  assert.equal(getFieldValue(obj, "spec.arr"), undefined);
  assert.equal(getFieldValue(obj, "spec.arr.0"), undefined);
  assert.equal(getFieldValue(obj, "spec.n.x"), undefined);
  assert.equal(getFieldValue(obj, "status.phase"), undefined);
  assert.equal(getFieldValue(obj, ""), undefined);
  assert.equal(getFieldValue(null, "a"), undefined);
  assert.equal(getFieldValue(obj, "spec.toString"), undefined);
});
