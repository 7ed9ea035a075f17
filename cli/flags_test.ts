import assert from "node:assert/strict";
import { FlagError, type FlagsConfig, parseFlags } from "./flags.ts";

const config: FlagsConfig = {
  output: { type: "string", short: "o" },
  "all-namespaces": { type: "boolean", short: "A" },
  watch: { type: "boolean", short: "w" },
  filename: { type: "string", short: "f", multiple: true },
  overwrite: { type: "boolean" },
};

Deno.test("flags: every spelling pflag accepts", () => {
  const r = parseFlags(
    ["-o=json", "cm", "-Aw", "--overwrite=false", "-f", "-", "-fb.yaml", "--", "-x", "--y"],
    config,
  );
  assert.deepEqual(r.values, {
    output: "json",
    "all-namespaces": true,
    watch: true,
    overwrite: false,
    filename: ["-", "b.yaml"],
  });
  assert.deepEqual(r.positionals, ["cm", "-x", "--y"]);
  assert.deepEqual(parseFlags(["--output", "yaml", "-A=true", "-"], config), {
    values: { output: "yaml", "all-namespaces": true },
    positionals: ["-"],
  });
  assert.deepEqual(parseFlags(["--output="], config).values, { output: "" });
});

Deno.test("flags: pflag's errors", () => {
  const err = (args: string[]) => {
    try {
      parseFlags(args, config);
    } catch (e) {
      assert.ok(e instanceof FlagError);
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(err(["--bogus"]), "unknown flag: --bogus");
  assert.equal(err(["--bogus=1"]), "unknown flag: --bogus");
  assert.equal(err(["-z"]), "unknown shorthand flag: 'z' in -z");
  assert.equal(err(["-Az"]), "unknown shorthand flag: 'z' in -Az");
  assert.equal(err(["--output"]), "flag needs an argument: --output");
  assert.equal(err(["-o"]), "flag needs an argument: 'o' in -o");
  assert.equal(
    err(["--watch=maybe"]),
    'invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": ' +
      "invalid syntax",
  );
  assert.equal(err(["--constructor"]), "unknown flag: --constructor");
});

Deno.test("flags: int flags hold numbers; a non-integer is pflag's ParseInt error", () => {
  const ints: FlagsConfig = { "chunk-size": { type: "int" } };
  assert.deepEqual(parseFlags(["--chunk-size", "20"], ints).values, { "chunk-size": 20 });
  assert.deepEqual(parseFlags(["--chunk-size=-1"], ints).values, { "chunk-size": -1 });
  assert.throws(
    () => parseFlags(["--chunk-size=many"], ints),
    new FlagError(
      'invalid argument "many" for "--chunk-size" flag: strconv.ParseInt: parsing "many": ' +
        "invalid syntax",
    ),
  );
});
