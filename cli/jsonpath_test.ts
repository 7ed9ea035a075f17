import assert from "node:assert/strict";
import { JsonPathError, parseJsonPath, relaxedJsonPath } from "./jsonpath.ts";

// Goldens captured from kubectl v1.32 (`kubectl patch --local -f fixture.json -p {} --type merge
// -o jsonpath=TEMPLATE`). The fixture keeps its list under `objs`, since kubectl treats any
// object with a top-level `items` as a list. `{..}` is left out: Go visits map keys in random
// order, and k1s visits them sorted.
const FIXTURE = {
  "apiVersion": "v1",
  "kind": "ConfigMap",
  "metadata": {
    "name": "fixture",
    "labels": {
      "app": "web",
      "tier": "front",
    },
  },
  "objs": [
    {
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": {
        "name": "alpha",
        "namespace": "default",
        "labels": {
          "app": "web",
        },
        "creationTimestamp": "2024-01-01T00:00:00Z",
      },
      "data": {
        "a": "1",
        "b": "<two>&",
      },
    },
    {
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": {
        "name": "beta",
        "namespace": "prod",
        "creationTimestamp": "2024-01-02T00:00:00Z",
      },
      "data": {
        "x": "y",
      },
    },
    {
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": {
        "name": "gamma",
        "namespace": "default",
        "labels": {
          "app": "db",
        },
      },
    },
  ],
  "spec": {
    "items": [
      {
        "name": "a",
        "n": 1,
        "tags": [
          "x",
          "y",
        ],
      },
      {
        "name": "b",
        "n": 2.5,
        "ok": true,
      },
      {
        "name": "c",
        "n": 10,
        "nested": {
          "deep": [
            {
              "v": "d1",
            },
            {
              "v": "d2",
            },
          ],
        },
      },
    ],
    "m": {
      "k": "v",
      "num": 3,
    },
    "s": "str",
    "e": "",
    "nil": null,
    "flag": false,
    "big": 12345678901234,
    "small": 1e-05,
    "mega": 1500000.5,
  },
};

const GOLDEN: [string, string][] = [
  ["{.metadata.name}", "fixture"],
  ["{.objs[*].metadata.name}", "alpha beta gamma"],
  [
    "{.objs[0]}",
    '{"apiVersion":"v1","data":{"a":"1","b":"\\u003ctwo\\u003e\\u0026"},"kind":"ConfigMap","metadata":{"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"name":"alpha","namespace":"default"}}',
  ],
  ["{.objs[0].data}", '{"a":"1","b":"\\u003ctwo\\u003e\\u0026"}'],
  ["{.objs[1:3].metadata.name}", "beta gamma"],
  ["{.objs[-1].metadata.name}", "gamma"],
  ["{.objs[-2:].metadata.name}", "beta gamma"],
  ["{.objs[::2].metadata.name}", "alpha gamma"],
  ["{.objs[0:0]}", ""],
  ["{.objs[*].metadata.labels.app}", "web db"],
  ['{.objs[?(@.metadata.namespace=="default")].metadata.name}', "alpha gamma"],
  ['{.objs[?(@.metadata.namespace!="default")].metadata.name}', "beta"],
  ["{.objs[?(@.metadata.labels)].metadata.name}", "alpha gamma"],
  ["{.objs[?(@.metadata.labels.app=='db')].metadata.name}", "gamma"],
  ["{.spec.items[?(@.ok==true)].name}", "b"],
  ["{.spec.items[?(@.ok)].name}", "b"],
  ['{.spec.items[?(@.name>"a")].name}', "b c"],
  ['{.spec.items[?(@.name<="b")].name}', "a b"],
  [
    '{range .objs[*]}{.metadata.name}{"\\t"}{.metadata.namespace}{"\\n"}{end}',
    "alpha\tdefault\nbeta\tprod\ngamma\tdefault\n",
  ],
  [
    '{range .objs[*]}[{.metadata.name}]{range .metadata.labels}{.app}{end}{"\\n"}{end}',
    "[alpha]web\n[beta]\n[gamma]db\n",
  ],
  ["{range .nothing[*]}{.x}{end}after", "after"],
  ["{.objs[*]['metadata.name']}", "alpha beta gamma"],
  ["{.objs[0].metadata['name','namespace']}", "alpha default"],
  ["{.objs[0,2].metadata.name}", "alpha gamma"],
  ["{..v}", "d1 d2"],
  ["{.spec..deep[*].v}", "d1 d2"],
  ["{.spec.m}", '{"k":"v","num":3}'],
  ["{.spec.m.*}", "v 3"],
  ["{.spec.s}{.spec.e}|{.spec.nil}|{.spec.flag}", "str|null|false"],
  [
    "{.spec.big} {.spec.small} {.spec.mega} {.spec.items[1].n}",
    "12345678901234 1e-05 1.5000005e+06 2.5",
  ],
  ["{.spec.items[0].tags}", '["x","y"]'],
  ["{.spec.items[*].tags[*]}", "x y"],
  ["{$.metadata.labels}", '{"app":"web","tier":"front"}'],
  ["{@.kind}", "ConfigMap"],
  ["prefix {.kind} suffix", "prefix ConfigMap suffix"],
  ['{"literal"} {\'single\'} {"tab\\there"}', "literal single tab\there"],
  ["{.missing}", ""],
  ["{.missing.deeper}", ""],
  ["{.objs[*].missing}", ""],
  ["{ .metadata.name }", "fixture"],
  ['{.spec.items[0].name}{"\\n"}{.spec.items[1].name}', "a\nb"],
  ["{.objs[*].data.b}", "<two>&"],
  ["{.objs[0].data}", '{"a":"1","b":"\\u003ctwo\\u003e\\u0026"}'],
  ["{.a[1:2:0]}", ""],
  ["{.a..b..c}", ""],
];

const GOLDEN_ERRORS: [string, string][] = [
  [
    "{.spec.items[?(@.n>=1)].name}",
    'error executing jsonpath "{.spec.items[?(@.n>=1)].name}": Error executing template: incompatible types for comparison',
  ],
  [
    "{.spec.items[?(@.n<=1.5)].name}",
    'error executing jsonpath "{.spec.items[?(@.n<=1.5)].name}": Error executing template: incompatible types for comparison',
  ],
  [
    "{.spec.items[?(@.n==1)].name}",
    'error executing jsonpath "{.spec.items[?(@.n==1)].name}": Error executing template: incompatible types for comparison',
  ],
  [
    "{.spec.items[5]}",
    'error executing jsonpath "{.spec.items[5]}": Error executing template: array index out of bounds: index 5, length 3',
  ],
  [
    "{.spec.items[2:1]}",
    'error executing jsonpath "{.spec.items[2:1]}": Error executing template: starting index 2 is greater than ending index 1',
  ],
  [
    "{.spec.s[0]}",
    'error executing jsonpath "{.spec.s[0]}": Error executing template: string is not array or slice',
  ],
  [
    "{.spec.m[?(@.k)]}",
    'error executing jsonpath "{.spec.m[?(@.k)]}": Error executing template: map[k:v num:3] is not array or slice and cannot be filtered',
  ],
  [
    "{end}",
    'error executing jsonpath "{end}": Error executing template: not in range, nothing to end',
  ],
  [
    "{.spec.items[?(@.n>1)].name}",
    'error executing jsonpath "{.spec.items[?(@.n>1)].name}": Error executing template: incompatible types for comparison',
  ],
  ["{.a[}", "error parsing jsonpath {.a[}, unterminated array"],
  ["{.a", "error parsing jsonpath {.a, unclosed action"],
  ["{.a[x]}", "error parsing jsonpath {.a[x]}, invalid array index x"],
  ["{.a[?(@.b]}", "error parsing jsonpath {.a[?(@.b]}, unterminated filter"],
  [
    "{.a[?(@.b=~'x')]}",
    "error parsing jsonpath {.a[?(@.b=~'x')]}, unrecognized character in action: U+007E '~'",
  ],
  ['{"unterminated}', 'error parsing jsonpath {"unterminated}, unterminated quoted string'],
  ["{.a[1:2:3:4]}", "error parsing jsonpath {.a[1:2:3:4]}, invalid array index 1:2:3:4"],
  [
    "{foo}",
    'error executing jsonpath "{foo}": Error executing template: unrecognized identifier foo',
  ],
];

Deno.test("jsonpath output matches kubectl", () => {
  for (const [template, want] of GOLDEN) {
    assert.equal(parseJsonPath(template).execute(FIXTURE), want, template);
  }
});

Deno.test("jsonpath errors match kubectl's messages", () => {
  for (const [template, want] of GOLDEN_ERRORS) {
    let message = "";
    try {
      parseJsonPath(template).execute(FIXTURE);
    } catch (e) {
      assert.ok(e instanceof JsonPathError, template);
      message = e.message;
    }
    assert.equal(message, want, template);
  }
});

Deno.test("jsonpath parse errors carry phase and reason", () => {
  let err: JsonPathError | undefined;
  try {
    parseJsonPath("{.a[");
  } catch (e) {
    err = e as JsonPathError;
  }
  assert.ok(err instanceof JsonPathError);
  assert.equal(err.phase, "parse");
  assert.equal(err.reason, "unterminated array");
  assert.equal(err.template, "{.a[");
});

Deno.test("jsonpath allowMissingKeys false reports the missing field", () => {
  const p = parseJsonPath("{.metadata.nope}", { allowMissingKeys: false });
  assert.throws(() => p.execute(FIXTURE), /nope is not found/);
  assert.equal(parseJsonPath("{.metadata.nope}").execute(FIXTURE), "");
});

Deno.test("jsonpath results returns raw values per action", () => {
  const r = parseJsonPath("{.objs[*].metadata.name}x").results(FIXTURE);
  assert.deepEqual(r, [["alpha", "beta", "gamma"], ["x"]]);
});

Deno.test("jsonpath recursive descent visits every value in sorted key order", () => {
  assert.equal(
    parseJsonPath("{..}").execute({ b: "x", a: { c: "y" } }),
    '{"a":{"c":"y"},"b":"x"} {"c":"y"} y x',
  );
});

Deno.test("relaxedJsonPath accepts kubectl's relaxed forms", () => {
  assert.equal(relaxedJsonPath(".metadata.name"), "{.metadata.name}");
  assert.equal(relaxedJsonPath("metadata.name"), "{.metadata.name}");
  assert.equal(relaxedJsonPath("{.metadata.name}"), "{.metadata.name}");
  assert.equal(relaxedJsonPath("{metadata.name}"), "{.metadata.name}");
  assert.throws(() => relaxedJsonPath("{a}{b}"), /unexpected path string/);
});

async function kubectlAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("kubectl", {
      args: ["version", "--client"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "jsonpath agrees with the installed kubectl (live)",
  ignore: !(await kubectlAvailable()),
  async fn() {
    const dir = await Deno.makeTempDir();
    const file = `${dir}/fixture.json`;
    await Deno.writeTextFile(file, JSON.stringify(FIXTURE));
    try {
      for (const [template] of [...GOLDEN, ...GOLDEN_ERRORS]) {
        const out = await new Deno.Command("kubectl", {
          args: [
            "patch",
            "--local",
            "-f",
            file,
            "-p",
            "{}",
            "--type",
            "merge",
            "-o",
            `jsonpath=${template}`,
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        let ours: string;
        try {
          ours = parseJsonPath(template).execute(FIXTURE);
        } catch (e) {
          ours = `error: ${(e as Error).message}`;
        }
        const theirs = out.success
          ? new TextDecoder().decode(out.stdout)
          : new TextDecoder().decode(out.stderr).split(". Printing more information")[0].trimEnd();
        if (/\.\*|\.\./.test(template) && out.success) {
          // Go walks map keys in random order for `.*` and `..`; compare the results as a set.
          const words = (t: string) => t.split(/\s+/).filter((w) => w).sort();
          assert.deepEqual(words(ours), words(theirs), template);
        } else assert.equal(ours, theirs, template);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
