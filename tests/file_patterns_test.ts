// `-f PATTERN`: a path that does not exist is expanded as kubectl expands it (Go's filepath.Glob:
// `*`, `?`, `[a-z]`, `[^a]`, `\` escapes, component by component, dot files included, sorted);
// no match is `the path "…" does not exist`, a malformed pattern `pattern "…" is not valid:
// syntax error in pattern`, and several such paths are reported together. Compared with
// kubectl 1.32 against a served store where it is installed.
import assert from "node:assert/strict";
import { componentRegExp, glob, GlobPatternError } from "../cli/glob.ts";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture, type KubectlRun } from "./_kubectl.ts";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

/** A directory of manifests: a.yaml, b.yml, .hidden.yaml, notes.txt, d/c.yaml, empty/. */
async function tree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-glob-" });
  await Deno.writeTextFile(`${dir}/a.yaml`, cm("a"));
  await Deno.writeTextFile(`${dir}/b.yml`, cm("b"));
  await Deno.writeTextFile(`${dir}/.hidden.yaml`, cm("hidden"));
  await Deno.writeTextFile(`${dir}/notes.txt`, "not a manifest\n");
  await Deno.mkdir(`${dir}/d`);
  await Deno.writeTextFile(`${dir}/d/c.yaml`, cm("c"));
  await Deno.mkdir(`${dir}/empty`);
  return dir;
}

Deno.test("component patterns match as Go's filepath.Match", () => {
  const cases: [string, string, boolean][] = [
    ["*.yaml", "a.yaml", true],
    ["*.yaml", ".hidden.yaml", true],
    ["*.yaml", "a.yml", false],
    ["?.y*ml", "b.yml", true],
    ["[ab].yaml", "a.yaml", true],
    ["[^a].yml", "b.yml", true],
    ["[^a].yml", "a.yml", false],
    ["[a-c]", "b", true],
    ["[c-a]", "b", false], // a reversed range matches nothing
    ["[!a]", "!", true], // Go has no `!` negation: a class of `!` and `a`
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["[\\]]", "]", true],
    ["a.b", "axb", false],
    ["(x)|y+", "(x)|y+", true],
  ];
  for (const [pattern, name, want] of cases) {
    assert.equal(componentRegExp(pattern).test(name), want, `${pattern} ~ ${name}`);
  }
  for (const bad of ["[", "[a", "[]", "[]a]", "[-a]", "[a-]", "[^]", "a\\"]) {
    assert.throws(() => componentRegExp(bad), GlobPatternError, bad);
  }
});

Deno.test("glob expands component by component, sorted, as filepath.Glob", async () => {
  const dir = await tree();
  try {
    assert.deepEqual(await glob(`${dir}/*.y*ml`), [
      `${dir}/.hidden.yaml`,
      `${dir}/a.yaml`,
      `${dir}/b.yml`,
    ]);
    assert.deepEqual(await glob(`${dir}/*/*`), [`${dir}/d/c.yaml`]);
    assert.deepEqual(await glob(`${dir}/?`), [`${dir}/d`]);
    assert.deepEqual(await glob(`${dir}/*.zz`), []);
    // No metacharacters: the path itself when it exists.
    assert.deepEqual(await glob(`${dir}/a.yaml`), [`${dir}/a.yaml`]);
    assert.deepEqual(await glob(`${dir}/nope.yaml`), []);
    // A malformed pattern fails whether or not anything would match it.
    await assert.rejects(glob(`${dir}/[a-`), GlobPatternError);
    await assert.rejects(glob(`/nowhere/[/*.yaml`), GlobPatternError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The runs compared: each is the arguments after the verb, `DIR` standing for the tree. */
const RUNS: string[][] = [
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/*.y*ml"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/[ab].*"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/[^a].yml", "-f", "DIR/?"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/d*", "-f", "DIR/emp*"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/emp*", "-f", "DIR/a.yaml"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/*.zz"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/[a-"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/nope.yaml", "-f", "DIR/x*"],
  ["create", "--dry-run=server", "-o", "name", "-f", "DIR/a.yaml", "-f", "DIR/x*"],
  ["apply", "-f", "DIR/*.yaml"],
  ["get", "-o", "name", "-f", "DIR/*.yaml"],
  ["delete", "-f", "DIR/*.yaml"],
];

Deno.test("-f patterns: k1s prints what kubectl 1.32 prints, against the same server", async (t) => {
  const dir = await tree();
  const k1sRun = async (url: string, args: string[]) => {
    const io = captureIO();
    const code = await k1s.run(["--server", url, ...args], io);
    return { code, out: io.out, err: io.err };
  };
  try {
    if (!haveKubectl(32)) {
      // Without kubectl, k1s's own runs still have to say what kubectl says.
      const io = captureIO();
      await k1s.run(["--store=memory:", "create", "--dry-run=client", "-f", `${dir}/[a-`], io);
      assert.equal(io.err, `error: pattern "${dir}/[a-" is not valid: syntax error in pattern\n`);
      return;
    }
    await using fx = await kubectlFixture();
    // kubectl runs them all, then k1s does, from the same (empty) state: apply creates and
    // delete removes what apply made.
    const theirs: KubectlRun[] = [];
    for (const run of RUNS) {
      theirs.push(await fx.kubectl.run(run.map((a) => a.replace("DIR", dir))));
    }
    for (const [i, run] of RUNS.entries()) {
      await t.step(run.join(" "), async () => {
        const mine = await k1sRun(fx.server.url, run.map((a) => a.replace("DIR", dir)));
        assert.deepEqual(mine, theirs[i]);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
