import assert from "node:assert/strict";
import {
  everything,
  formatLabels,
  formatLabelSelector,
  formatRequirement,
  labelSelectorAsSelector,
  matchesNothing,
  newRequirement,
  newSelector,
  nothing,
  operatorText,
  parseLabelSelector,
  requirementMatches,
  selectorFromSet,
  SelectorParseError,
  validatedSelectorFromSet,
} from "./labels.ts";

const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const OPS = "in, notin, =, ==, !=, gt, lt";

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof SelectorParseError, `expected SelectorParseError for ${s}`);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to fail`);
}

Deno.test("parse: good strings re-stringify without spaces (k8s TestSelectorParse)", () => {
  for (
    const s of [
      "x=a,y=b,z=c",
      "",
      "x!=a,y=b",
      "x=",
      "x= ",
      "x=,z= ",
      "x= ,z= ",
      "!x",
      "x>1",
      "x>1,z<5",
    ]
  ) {
    assert.equal(parseLabelSelector(s).toString(), s.replaceAll(" ", ""), s);
  }
});

Deno.test("parse: deterministic, sorted by key", () => {
  assert.equal(parseLabelSelector("x=a,a=x").toString(), parseLabelSelector("a=x,x=a").toString());
  assert.equal(parseLabelSelector("z,y in (b, a),!x").toString(), "!x,y in (a,b),z");
});

Deno.test("parse: set-based forms and whitespace", () => {
  const s = parseLabelSelector("  env in (prod, qa) ,\ttier notin(db)\n, app ,!legacy ");
  assert.deepEqual(s.requirements, [
    { key: "app", operator: "Exists", values: [] },
    { key: "env", operator: "In", values: ["prod", "qa"] },
    { key: "legacy", operator: "DoesNotExist", values: [] },
    { key: "tier", operator: "NotIn", values: ["db"] },
  ]);
  assert.equal(s.toString(), "app,env in (prod,qa),!legacy,tier notin (db)");
  assert.equal(
    parseLabelSelector("x in (foo,,baz),y,z notin ()").toString(),
    "x in (,baz,foo),y,z notin ()",
  );
  assert.equal(parseLabelSelector("x in (,a)").toString(), "x in (,a)");
  assert.equal(parseLabelSelector("x in (a,)").toString(), "x in (,a)");
  assert.equal(parseLabelSelector("x in (a,a)").toString(), "x in (a)");
  assert.equal(parseLabelSelector("x==a").toString(), "x==a");
  assert.equal(parseLabelSelector("example.com/x=1").toString(), "example.com/x=1");
});

Deno.test("parse: in/notin are values in value position", () => {
  assert.equal(parseLabelSelector("in in (in,notin)").toString(), "in in (in,notin)");
  assert.ok(parseLabelSelector("notin=in").matches({ notin: "in" }));
});

Deno.test("matches (k8s TestSelectorMatches)", () => {
  const yes: [string, Record<string, string>][] = [
    ["", { x: "y" }],
    ["x=y", { x: "y" }],
    ["x=y,z=w", { x: "y", z: "w" }],
    ["x!=y,z!=w", { x: "z", z: "a" }],
    ["x", { x: "z" }],
    ["!x", { y: "z" }],
    ["x>1", { x: "2" }],
    ["x<1", { x: "0" }],
    ["x<1", { x: "-5" }],
    ["x notin (a)", {}],
    ["x!=a", {}],
    ["x in (a,b)", { x: "b" }],
    ["x=", { x: "" }],
  ];
  for (const [sel, ls] of yes) {
    assert.ok(parseLabelSelector(sel).matches(ls), `${sel} ~ ${JSON.stringify(ls)}`);
  }
  const no: [string, Record<string, string>][] = [
    ["x=z", {}],
    ["x=y", { x: "z" }],
    ["x=y,z=w", { x: "w", z: "w" }],
    ["x!=y,z!=w", { x: "z", z: "w" }],
    ["x", { y: "z" }],
    ["!x", { x: "z" }],
    ["x>1", { x: "0" }],
    ["x<1", { x: "2" }],
    ["x>1", {}],
    ["x>1", { x: "abc" }],
    ["x in (a,b)", {}],
    ["x=", {}],
  ];
  for (const [sel, ls] of no) {
    assert.ok(!parseLabelSelector(sel).matches(ls), `${sel} !~ ${JSON.stringify(ls)}`);
  }
  assert.ok(parseLabelSelector("!x").matches(undefined));
  // Inherited properties are not labels.
  assert.ok(!parseLabelSelector("toString").matches({}));
});

Deno.test("parse errors: exact Kubernetes messages", () => {
  assert.equal(
    parseError("x=a||y=b"),
    `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_MSG}`,
  );
  assert.equal(parseError("x==a==b"), "found '==', expected: ',' or 'end of string'");
  assert.equal(parseError("!x=a"), "found '=', expected: ',' or 'end of string'");
  assert.equal(
    parseError("x<a"),
    `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
  );
  assert.equal(parseError("x in"), "unable to parse requirement: found '' expected: '('");
  assert.equal(parseError("x in a"), "unable to parse requirement: found 'a' expected: '('");
  assert.equal(
    parseError("x in (a"),
    "unable to parse requirement: found '', expected: ',' or ')'",
  );
  assert.equal(
    parseError("x in (a b)"),
    "unable to parse requirement: found 'b', expected: ',' or ')'",
  );
  assert.equal(
    parseError("x in (=)"),
    "unable to parse requirement: found '=', expected: ',', ')' or identifier",
  );
  assert.equal(
    parseError("x in (a,=)"),
    "unable to parse requirement: found '=', expected: ',', or identifier",
  );
  assert.equal(parseError("a b"), `unable to parse requirement: found 'b', expected: ${OPS}`);
  assert.equal(parseError("x (a)"), `unable to parse requirement: found '(', expected: ${OPS}`);
  assert.equal(parseError("x=!"), "unable to parse requirement: found '!', expected: identifier");
  assert.equal(parseError("!"), "unable to parse requirement: found '', expected: identifier");
  assert.equal(parseError("!="), "found '!=', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("!!x"), "unable to parse requirement: found '!', expected: identifier");
  assert.equal(parseError("a,"), "found '', expected: identifier after ','");
  assert.equal(parseError("a,,b"), "found ',', expected: identifier after ','");
  assert.equal(parseError(",a"), "found ',', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("=a"), "found '=', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("x=a b"), "found 'b', expected: ',' or 'end of string'");
});

Deno.test("parse errors: invalid keys and values", () => {
  assert.match(
    parseError("Bad_Prefix/x=1"),
    /^unable to parse requirement: <nil>: Invalid value: "Bad_Prefix\/x": prefix part a lowercase RFC 1123 subdomain/,
  );
  assert.match(
    parseError("a/b/c"),
    /^unable to parse requirement: <nil>: Invalid value: "a\/b\/c": a valid label key must consist/,
  );
  assert.match(
    parseError("-x"),
    /^unable to parse requirement: <nil>: Invalid value: "-x": name part must consist/,
  );
  assert.match(
    parseError(`x=${"a".repeat(64)}`),
    /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a{64}": must be no more than 63 characters$/,
  );
  assert.equal(
    parseError("x in (ok,-bad)"),
    `unable to parse requirement: values[0][x]: Invalid value: "-bad": ${VALUE_MSG}`,
  );
  // Two errors are aggregated in brackets.
  assert.equal(
    parseError("x>a-"),
    `unable to parse requirement: [values[0]: Invalid value: "a-": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a-": ${VALUE_MSG}]`,
  );
  assert.match(
    parseError("x>"),
    /values\[0\]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer$/,
  );
  assert.match(parseError("x>99999999999999999999"), /must be an integer/);
  // A negative bound is not a valid label value, so k8s rejects it too.
  assert.match(parseError("x>-1"), /values\[0\]\[x\]: Invalid value: "-1": a valid label must/);
  assert.ok(parseLabelSelector("x>9223372036854775806").matches({ x: "9223372036854775807" }));
});

Deno.test("everything / nothing", () => {
  assert.ok(everything().empty());
  assert.equal(everything().toString(), "");
  assert.ok(parseLabelSelector("").empty());
  assert.ok(!nothing().empty());
  assert.ok(!nothing().matches({}));
  assert.equal(nothing().toString(), "");
  assert.ok(matchesNothing(nothing()));
  assert.ok(!matchesNothing(parseLabelSelector("")));
});

Deno.test("selectorFromSet", () => {
  assert.ok(selectorFromSet(undefined).empty());
  assert.ok(selectorFromSet({}).empty());
  const s = selectorFromSet({ z: "1", a: "2" });
  assert.equal(s.toString(), "a=2,z=1");
  assert.ok(s.matches({ a: "2", z: "1" }));
  assert.ok(!s.matches({ a: "2" }));
  assert.equal(s.requiresExactMatch("a"), "2");
  assert.equal(s.requiresExactMatch("b"), undefined);
  assert.equal(validatedSelectorFromSet({ a: "b" }).toString(), "a=b");
  assert.throws(
    () => validatedSelectorFromSet({ a: "b c" }),
    new SelectorParseError(`values[0][a]: Invalid value: "b c": ${VALUE_MSG}`),
  );
});

Deno.test("requiresExactMatch", () => {
  const s = parseLabelSelector("a in (x),b in (x,y),c==z,d!=q");
  assert.equal(s.requiresExactMatch("a"), "x");
  assert.equal(s.requiresExactMatch("b"), undefined);
  assert.equal(s.requiresExactMatch("c"), "z");
  assert.equal(s.requiresExactMatch("d"), undefined);
});

Deno.test("newRequirement validation messages", () => {
  assert.throws(() => newRequirement("k", "In", []), {
    message: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
  });
  assert.throws(() => newRequirement("k", "Equals", ["a", "b"]), {
    message:
      'values: Invalid value: ["a","b"]: exact-match compatibility requires one single value',
  });
  assert.throws(() => newRequirement("k", "Exists", ["a"]), {
    message: 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist',
  });
  assert.throws(() => newRequirement("k", "GreaterThan", ["1", "2"]), {
    message:
      `values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`,
  });
  assert.throws(
    () => newRequirement("bad key", "Exists", []),
    /key: Invalid value: "bad key": name part/,
  );
  assert.throws(
    () => newRequirement("k", "Bogus" as "In", ["a"]),
    /operator: Unsupported value: "Bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"/,
  );
});

Deno.test("formatRequirement and operatorText", () => {
  assert.equal(
    formatRequirement({ key: "a", operator: "NotIn", values: ["z", "b"] }),
    "a notin (b,z)",
  );
  assert.equal(formatRequirement({ key: "a", operator: "LessThan", values: ["3"] }), "a<3");
  assert.equal(formatRequirement({ key: "a", operator: "DoesNotExist", values: [] }), "!a");
  assert.equal(operatorText("NotEquals"), "!=");
  assert.ok(requirementMatches({ key: "a", operator: "Exists", values: [] }, { a: "" }));
  assert.equal(
    newSelector([{ key: "b", operator: "Exists", values: [] }, {
      key: "a",
      operator: "Exists",
      values: [],
    }])
      .toString(),
    "a,b",
  );
});

Deno.test("labelSelectorAsSelector", () => {
  assert.ok(matchesNothing(labelSelectorAsSelector(null)));
  assert.ok(matchesNothing(labelSelectorAsSelector(undefined)));
  assert.ok(labelSelectorAsSelector({}).empty());
  assert.ok(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches({}));
  const s = labelSelectorAsSelector({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["front", "edge"] },
      { key: "legacy", operator: "DoesNotExist" },
      { key: "canary", operator: "Exists", values: [] },
    ],
  });
  assert.equal(s.toString(), "app=web,canary,!legacy,tier in (edge,front)");
  assert.ok(s.matches({ app: "web", tier: "edge", canary: "1" }));
  assert.ok(!s.matches({ app: "web", tier: "edge", canary: "1", legacy: "y" }));
});

Deno.test("labelSelectorAsSelector: errors as Kubernetes", () => {
  assert.throws(
    () => labelSelectorAsSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }),
    {
      message:
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    },
  );
  assert.throws(
    () => labelSelectorAsSelector({ matchExpressions: [{ key: "a", operator: "NotIn" }] }),
    /values set can't be empty/,
  );
  assert.throws(
    () =>
      labelSelectorAsSelector({
        matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }],
      }),
    {
      message:
        'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    },
  );
  assert.throws(
    () =>
      labelSelectorAsSelector({
        matchExpressions: [{ key: "a", operator: "Gt" as "In", values: ["1"] }],
      }),
    { message: '"Gt" is not a valid label selector operator' },
  );
  assert.throws(
    () => labelSelectorAsSelector({ matchLabels: { "a b": "x" } }),
    /key: Invalid value: "a b": name part must consist/,
  );
  assert.throws(
    () => labelSelectorAsSelector({ matchLabels: { a: "x y" } }),
    { message: `values[0][a]: Invalid value: "x y": ${VALUE_MSG}` },
  );
});

Deno.test("formatLabelSelector / formatLabels", () => {
  assert.equal(formatLabelSelector(null), "<none>");
  assert.equal(formatLabelSelector({}), "<none>");
  assert.equal(
    formatLabelSelector({ matchExpressions: [{ key: "a", operator: "In" }] }),
    "<error>",
  );
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Exists" }] }), "a");
  assert.equal(formatLabels({}), "<none>");
  assert.equal(formatLabels({ b: "2", a: "1" }), "a=1,b=2");
});
