// `--help` for every verb and subcommand, `help VERB`, `options` and the top-level help, compared
// with kubectl 1.32's: the same sections in the same order, each flag k1s shares with kubectl
// documented with kubectl's default and text, every flag k1s accepts documented, kubectl's aliases
// and headings. kubectl's help texts are kept in tests/testdata/kubectl-1.32-help (one file per
// command path); when kubectl 1.32 is installed the test also checks them against it.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { type Command, type CommandDoc, loadCommands } from "../cli/kit.ts";
import { commandHelp } from "../cli/help.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const GOLDEN = new URL("./testdata/kubectl-1.32-help/", import.meta.url);

/** kubectl's help of `path`, or undefined where kubectl has no such command. */
function kubectlHelp(path: readonly string[]): string | undefined {
  try {
    return Deno.readTextFileSync(new URL(`${path.join(".") || "top"}.txt`, GOLDEN));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** A help text cut at its headings: the description, then `Heading` → body. */
interface Sections {
  description: string;
  order: string[];
  bodies: Map<string, string>;
}

const HEADINGS = ["Aliases", "Examples", "Available Commands", "Options", "Usage"];

function sections(help: string): Sections {
  const lines = help.split("\n");
  const order: string[] = [];
  const bodies = new Map<string, string>();
  let current: string[] = [];
  let description = "";
  let heading: string | undefined;
  const flush = () => {
    const body = current.join("\n");
    if (heading === undefined) description = body;
    else bodies.set(heading, body);
  };
  for (const line of lines) {
    const h = /^([A-Z][A-Za-z ]+):$/.exec(line)?.[1];
    if (h !== undefined && HEADINGS.includes(h)) {
      flush();
      heading = h;
      order.push(h);
      current = [];
    } else current.push(line);
  }
  flush();
  return { description, order, bodies };
}

/** The entries of an `Options:` section by flag name: `    -o, --output='':\n\t…`. */
function flagEntries(body: string | undefined): Map<string, string> {
  const entries = new Map<string, string>();
  for (const m of (body ?? "").matchAll(/^ {4}(?:-\w, )?--([\w-]+)=.*:\n\t.*$/gm)) {
    entries.set(m[1], m[0]);
  }
  return entries;
}

/** Every command and subcommand with the words that lead to it. */
function walk(doc: CommandDoc, path: string[] = [doc.name]): [string[], CommandDoc][] {
  return [
    [path, doc],
    ...(doc.subcommands ?? []).flatMap((s) => walk(s, [...path, s.name])),
  ];
}

const commands: Command[] = await loadCommands(k1s.spec.commands);
const all = commands.flatMap((c) => walk(c));
const asK1s = (text: string) => text.replaceAll("kubectl", "k1s");

/**
 * Commands whose words are k1s's own, in kubectl's layout: `config` edits k1s's configuration of
 * stores, not a kubeconfig.
 */
const OWN_WORDS = (path: readonly string[]) => path[0] === "config";

Deno.test("the kubectl help texts kept here are kubectl 1.32's", async (t) => {
  if (!KUBECTL_132) {
    console.log("kubectl 1.32 is not installed: comparing with the kept help texts only");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "k1s-help-" });
  try {
    for (const entry of Deno.readDirSync(GOLDEN)) {
      // (`options` and the wrapped texts in terminal/ are checked by help_wrap_test.ts.)
      if (!entry.isFile || entry.name === "options.txt") continue;
      const name = entry.name.replace(/\.txt$/, "");
      const path = name === "top" ? [] : name.split(".");
      await t.step(name, async () => {
        const r = await kubectlOffline([...path, "--help"], dir);
        assert.equal(r.out, kubectlHelp(path));
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every verb and subcommand has help in kubectl's layout", async (t) => {
  for (const [path, doc] of all) {
    await t.step(path.join(" "), () => {
      const help = commandHelp("k1s", path, doc);
      const mine = sections(help);
      // The sections come in kubectl's order; the description opens with one sentence.
      assert.deepEqual(mine.order, HEADINGS.filter((h) => mine.order.includes(h)));
      assert.ok(mine.order.includes("Usage"), "Usage");
      assert.match(mine.description, /^\S.*\.\n/, "a description ending its first line with '.'");
      assert.ok(
        mine.bodies.get("Usage")!.startsWith(`  k1s ${path.join(" ")}`),
        `usage names the command: ${mine.bodies.get("Usage")}`,
      );
      assert.ok(help.endsWith(
        'Use "k1s options" for a list of global command-line options (applies to all commands).\n',
      ));
      // Subcommands are listed by name, as cobra lists them.
      const listed = (mine.bodies.get("Available Commands") ?? "").split("\n")
        .map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((n) => n !== undefined);
      assert.deepEqual(listed, [...listed].sort(), "subcommands by name");
      // Every flag the command accepts is documented, with words.
      for (const [name, spec] of Object.entries(doc.options ?? {})) {
        assert.ok(!spec.hidden, `--${name} is hidden`);
        assert.ok(spec.description && spec.description.trim(), `--${name} has no description`);
      }
      if (doc.examples) {
        assert.match(doc.examples, /k1s /, "the examples run k1s");
        // (kubectl only against `k1s serve`, with the kubeconfig it writes.)
        assert.doesNotMatch(doc.examples, /^kubectl (?!--kubeconfig)/m, "the examples run k1s");
      }
    });
  }
});

Deno.test("help matches kubectl's where kubectl has the command", async (t) => {
  for (const [path, doc] of all) {
    const theirs = kubectlHelp(path);
    if (theirs === undefined || OWN_WORDS(path)) continue;
    await t.step(path.join(" "), () => {
      const mine = sections(commandHelp("k1s", path, doc));
      const kube = sections(theirs);
      assert.equal(
        mine.description.split("\n")[0],
        asK1s(kube.description.split("\n")[0]),
        "the description's first line",
      );
      assert.equal(mine.bodies.get("Aliases"), kube.bodies.get("Aliases"), "aliases");
      if (kube.order.includes("Examples")) assert.ok(mine.order.includes("Examples"), "examples");
      // Each flag k1s shares with kubectl: kubectl's default and text (`k1s` may stand for
      // `kubectl` where the text names the command).
      const kubeFlags = flagEntries(kube.bodies.get("Options"));
      for (const [name, entry] of flagEntries(mine.bodies.get("Options"))) {
        const theirEntry = kubeFlags.get(name);
        if (theirEntry === undefined) continue;
        assert.ok(
          entry === theirEntry || entry === asK1s(theirEntry),
          `--${name}:\n${entry}\nkubectl:\n${theirEntry}`,
        );
      }
      // The subcommands k1s has, with kubectl's one-line summaries.
      const kubeSubs = new Map(
        (kube.bodies.get("Available Commands") ?? "").split("\n")
          .map((l) => /^ {2}(\S+) +(.*)$/.exec(l))
          .filter((m) => m !== null).map((m) => [m![1], m![2]]),
      );
      for (const sub of doc.subcommands ?? []) {
        const summary = kubeSubs.get(sub.name);
        if (summary !== undefined) assert.equal(sub.summary, asK1s(summary), sub.name);
      }
    });
  }
});

Deno.test("the top-level help groups the verbs under kubectl's headings", () => {
  const top = kubectlHelp([])!;
  const headingOf = new Map<string, string>();
  let heading = "";
  for (const line of top.split("\n")) {
    const h = /^(\S.*):$/.exec(line)?.[1];
    if (h) heading = h;
    const m = /^ {2}(\S+) {2,}(.*)$/.exec(line);
    if (m) headingOf.set(m[1], heading);
  }
  for (const c of commands) {
    const theirs = headingOf.get(c.name);
    if (theirs === undefined) assert.equal(c.group, undefined, `${c.name} is k1s's own`);
    else assert.equal(c.group ?? "Other Commands", theirs, c.name);
    // A verb kubectl has keeps kubectl's summary.
    const line = top.split("\n").find((l) => l.startsWith(`  ${c.name} `));
    if (line && !OWN_WORDS([c.name])) {
      assert.equal(c.summary, asK1s(line.replace(/^ {2}\S+ +/, "")), c.name);
    }
  }
});

Deno.test("help VERB, VERB --help, -h, options and unknown topics", async () => {
  const run = async (args: string[]) => {
    const io = captureIO();
    const code = await k1s.run(args, io);
    return { code, out: io.out, err: io.err };
  };
  const viaHelp = await run(["help", "label"]);
  assert.equal(viaHelp.code, 0);
  assert.equal(viaHelp.out, (await run(["label", "--help"])).out);
  assert.equal(viaHelp.out, (await run(["label", "-h"])).out);
  assert.match(viaHelp.out, /^Update the labels on a resource\.\n/);
  const sub = await run(["help", "create", "cm"]);
  assert.equal(sub.out, (await run(["create", "configmap", "--help"])).out);
  assert.match(sub.out, /\nAliases:\nconfigmap, cm\n/);
  const top = await run([]);
  assert.equal(top.out, (await run(["help"])).out);
  assert.equal(top.out, (await run(["--help"])).out);
  assert.match(top.out, /\nBasic Commands \(Beginner\):\n {2}create {10}/);
  const unknown = await run(["help", "frob"]);
  assert.equal(unknown.code, 0);
  assert.ok(
    unknown.out.startsWith("Unknown help topic [`frob`]\n\n\nBasic Commands (Beginner):\n"),
  );
  // A command that needs a subcommand and got none prints its help, as kubectl's.
  for (const verb of ["config", "plugin"]) {
    const bare = await run([verb]);
    assert.equal(bare.code, 0);
    assert.equal(bare.out, (await run([verb, "--help"])).out, verb);
    assert.match(bare.out, /\nAvailable Commands:\n/);
  }
  const options = await run(["options"]);
  assert.match(options.out, /^The following options can be passed to any command:\n\n/);
  for (const flag of ["store", "server", "kubeconfig", "context", "token", "namespace"]) {
    assert.match(options.out, new RegExp(`--${flag}=''?:\\n\\t\\S`), flag);
  }
  assert.match(options.out, /\n {4}-n, --namespace='':\n\tIf present, the namespace scope/);
});

Deno.test("a subcommand's help and flag errors name the subcommand, as kubectl's", async () => {
  const io = captureIO();
  const code = await k1s.run(
    ["--store=memory:", "create", "namespace", "x", "--from-literal=a=b"],
    io,
  );
  assert.equal(code, 1);
  const expected = "error: unknown flag: --from-literal\n" +
    "See 'k1s create namespace --help' for usage.\n";
  assert.equal(io.err, expected);
  // A flag no command has fails the first, loose parse: the subcommand is still named.
  const unknown = captureIO();
  assert.equal(await k1s.run(["apply", "edit-last-applied", "--frob"], unknown), 1);
  const unknownExpected = "error: unknown flag: --frob\n" +
    "See 'k1s apply edit-last-applied --help' for usage.\n";
  assert.equal(unknown.err, unknownExpected);
  if (KUBECTL_132) {
    const dir = await Deno.makeTempDir({ prefix: "k1s-help-" });
    try {
      const u = await kubectlOffline(["apply", "edit-last-applied", "--frob"], dir);
      assert.equal(asK1s(u.err), unknownExpected);
      const r = await kubectlOffline(["create", "namespace", "x", "--from-literal=a=b"], dir);
      assert.equal(asK1s(r.err), expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
