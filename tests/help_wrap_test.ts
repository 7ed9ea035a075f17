// Help on a terminal: kubectl wraps `--help` and `options` when standard output is a terminal at
// least 80 columns wide (at 80, 100 or 120 columns, flag descriptions ten narrower, each line
// after a tab), and not otherwise. kubectl 1.32's wrapped output of four commands at three widths
// is kept in tests/testdata/kubectl-1.32-help/terminal; the renderer, fed kubectl's own texts
// (parsed back from its unwrapped help), must print exactly that.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import type { CommandDoc } from "../cli/kit.ts";
import type { FlagsConfig } from "../cli/flags.ts";
import { commandHelp, optionsHelp, wrapLimit } from "../cli/help.ts";
import { wrapText } from "../cli/wordwrap.ts";
import { KUBECTL_132, kubectlOnTerminal } from "./_kubectl.ts";

const HELP = new URL("./testdata/kubectl-1.32-help/", import.meta.url);
const TERMINAL = new URL("./terminal/", HELP);
const PATHS = [["label"], ["apply"], ["create", "configmap"], ["options"]];
const WIDTHS = [80, 100, 120];

const read = (url: URL) => Deno.readTextFileSync(url);
const unwrapped = (path: string[]) => read(new URL(`${path.join(".")}.txt`, HELP));
const wrapped = (path: string[], cols: number) =>
  read(new URL(`${path.join(".")}.${cols}.txt`, TERMINAL));

/** The flags of an unwrapped `Options:` list, with kubectl's defaults and texts. */
function parseFlags(text: string): FlagsConfig {
  const flags: FlagsConfig = {};
  for (const m of text.matchAll(/^ {4}(?:-(\w), )?--([\w-]+)=(.*):\n\t(.*)$/gm)) {
    flags[m[2]] = {
      type: "string",
      ...(m[1] ? { short: m[1] } : {}),
      defaultText: m[3],
      description: m[4],
    };
  }
  return flags;
}

/** kubectl's unwrapped help of a command, read back into the kit's description of it. */
function parseHelp(name: string, help: string): CommandDoc {
  const at = (heading: string) => {
    const i = help.indexOf(`\n${heading}:\n`);
    if (i < 0) return undefined;
    const body = help.slice(i + heading.length + 3);
    const end = body.search(/\n\n(?=[A-Z][A-Za-z ]+:\n|Use ")/);
    return end < 0 ? body : body.slice(0, end + 1);
  };
  const first = help.search(/\n\n(Aliases|Examples|Available Commands|Options|Usage):\n/);
  const doc: CommandDoc = {
    name,
    summary: "",
    long: help.slice(0, first),
    usage: at("Usage")!.trim().replace(/^kubectl /, "").replace(/ \[options\]$/, ""),
  };
  const aliases = at("Aliases");
  if (aliases) doc.aliases = aliases.trim().split(", ").slice(1);
  const examples = at("Examples");
  if (examples) doc.examples = examples.split("\n").map((l) => l.slice(2)).join("\n");
  const subs = at("Available Commands");
  if (subs) {
    doc.subcommands = [...subs.matchAll(/^ {2}(\S+) +(.*)$/gm)].map((m) => ({
      name: m[1],
      summary: m[2],
      usage: m[1],
    }));
  }
  const options = at("Options");
  if (options) doc.options = parseFlags(options);
  return doc;
}

Deno.test("the wrapped help texts kept here are kubectl 1.32's on a terminal", async (t) => {
  if (KUBECTL_132) {
    // `options` off a terminal, which help_test.ts does not run.
    const dir = await Deno.makeTempDir({ prefix: "k1s-help-" });
    const r = await new Deno.Command(KUBECTL_132, {
      args: ["options"],
      cwd: dir,
      clearEnv: true,
      env: { HOME: "/k1s-help-home", KUBECONFIG: "/k1s-help-home/config" },
    }).output();
    await Deno.remove(dir);
    assert.equal(new TextDecoder().decode(r.stdout), unwrapped(["options"]));
  } else {
    console.log("kubectl 1.32 is not installed: comparing with the kept help texts only");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "k1s-help-" });
  try {
    for (const path of PATHS) {
      for (const cols of WIDTHS) {
        await t.step(`${path.join(" ")} at ${cols} columns`, async () => {
          const args = path[0] === "options" ? path : [...path, "--help"];
          const out = await kubectlOnTerminal(args, dir, cols);
          if (out === undefined) {
            console.log("util-linux's script is not installed: not running kubectl on a terminal");
            return;
          }
          assert.equal(out, wrapped(path, cols));
        });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("help on a terminal is wrapped as kubectl wraps it", async (t) => {
  for (const path of PATHS) {
    const plain = unwrapped(path);
    const render = (cols: number) =>
      path[0] === "options"
        ? optionsHelp(parseFlags(plain), cols)
        : commandHelp("kubectl", path, parseHelp(path.at(-1)!, plain), cols);
    await t.step(`${path.join(" ")}: off a terminal, as kubectl prints it`, () => {
      assert.equal(render(0), plain);
      // A terminal narrower than 80 columns is not wrapped either.
      assert.equal(render(79), plain);
    });
    for (const cols of WIDTHS) {
      await t.step(`${path.join(" ")} at ${cols} columns`, () => {
        assert.equal(render(cols), wrapped(path, cols));
        // Wider terminals wrap at the next width down.
        assert.equal(render(cols + 19), wrapped(path, cols));
      });
    }
  }
});

Deno.test("wrapText breaks at white space, as go-wordwrap does", () => {
  assert.equal(wrapText("aaa bbb ccc", 7), "aaa bbb\nccc");
  // The spaces where a line breaks are dropped; a word longer than the line stays whole.
  assert.equal(wrapText("aaa    bbb", 5), "aaa\nbbb");
  assert.equal(wrapText("a verylongword b", 5), "a\nverylongword\nb");
  // Existing breaks stay; trailing spaces beyond the limit are dropped.
  assert.equal(wrapText("ab\ncd ef", 4), "ab\ncd\nef");
  assert.equal(wrapText("ab    \ncd", 4), "ab\ncd");
  // Characters, not bytes, count.
  assert.equal(wrapText("ééé ééé", 7), "ééé ééé");
  assert.equal(wrapText("anything", 0), "anything");
  assert.deepEqual([79, 80, 99, 100, 119, 120, 300].map(wrapLimit), [
    0,
    80,
    80,
    100,
    100,
    120,
    120,
  ]);
});

Deno.test("k1s wraps its help when standard output is a terminal", async () => {
  const run = async (args: string[], columns?: number) => {
    const io = captureIO({ columns });
    assert.equal(await k1s.run(args, io), 0);
    return io.out;
  };
  for (const args of [["label", "--help"], ["help", "create", "cm"], ["options"], ["help"]]) {
    const plain = await run(args);
    const narrow = await run(args, 80);
    assert.equal(await run(args, 60), plain, "a narrow terminal is not wrapped");
    const longest = (text: string) => Math.max(...text.split("\n").map((l) => l.length));
    assert.ok(longest(plain) > 80, `${args.join(" ")} has lines over 80 columns`);
    assert.ok(longest(narrow) <= 80, `${args.join(" ")} wraps at 80:\n${narrow}`);
    // Only line breaks differ.
    assert.equal(narrow.replace(/\s+/g, " "), plain.replace(/\s+/g, " "));
  }
});
