// The single-file proof: bundle the CLI with `deno bundle` and run the CLI process scenarios
// against that one file from an empty directory, as `deno compile` would ship it.
import assert from "node:assert/strict";
import { processScenarios } from "./cli_scenarios.ts";

/** Bundles `entry` (relative to this file) into one file in `dir` with `deno bundle`. */
async function bundle(entry: string, dir: string): Promise<string> {
  const out = `${dir}/${entry.replace(/^.*\//, "").replace(/\.ts$/, ".js")}`;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=deno", "-o", out, new URL(entry, import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
  return out;
}

Deno.test("the bundled k1s CLI passes the process scenarios from an empty directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bundle-" });
  try {
    const out = await bundle("../cli/main.ts", dir);
    const empty = `${dir}/empty`;
    await Deno.mkdir(empty);
    await processScenarios({
      prefix: ["run", "--no-config", "--allow-read", "--allow-write", "--allow-env", out],
      cwd: empty,
    });
    assert.deepEqual(
      [...Deno.readDirSync(empty)],
      [],
      "the CLI wrote nothing in its working directory",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI test suite passes against the CLI bundled into one file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bundle-" });
  try {
    const out = await bundle("../cli/k1s.ts", dir);
    const suite = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", new URL("../cli/kit_test.ts", import.meta.url).pathname],
      env: { K1S_CLI_BUNDLE: out },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(suite.stdout) + new TextDecoder().decode(suite.stderr);
    assert.equal(suite.code, 0, text);
    // deno colours its summary; strip the escape sequences first.
    const plain = text.replaceAll(String.fromCharCode(27), "").replace(/\[[0-9;]*m/g, "");
    assert.match(plain, /ok \| [1-9]\d* passed \| 0 failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
