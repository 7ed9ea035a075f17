// The single-file proof: bundle the CLI with `deno bundle` and run the CLI process scenarios
// against that one file from an empty directory, as `deno compile` would ship it.
import assert from "node:assert/strict";
import { processScenarios } from "./cli_scenarios.ts";

Deno.test("the bundled k1s CLI passes the process scenarios from an empty directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bundle-" });
  try {
    const out = `${dir}/k1s.js`;
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform=deno",
        "-o",
        out,
        new URL("../cli/main.ts", import.meta.url).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
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
