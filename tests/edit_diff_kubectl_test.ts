// `edit` and `diff` where k1s and kubectl 1.32 used to part: edit's client-side check of the
// saved file (an empty file, invalid YAML, no kind: `error: configmaps "ac" is invalid` and the
// file reopened with the reason), the syntax errors of `--validate=false`, and diff's messages
// (a patch the server refuses names the file; a diff program that cannot start or fails; the
// program's argv[0]; the LIVE-/MERGED- directories' decimal names). Compared with kubectl 1.32
// against the same server: exit code, stdout, stderr, and each file the editor was shown.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture, type KubectlRun } from "./_kubectl.ts";

const AC = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ac}\ndata: {k: v}\n";

/** Names that differ by run or by program: temp files, the CLI's name, server-set fields. */
function stable(text: string): string {
  return text
    .replace(/\/[^\s"`]*-edit-[0-9a-f]+\.(yaml|json)/g, "EDITFILE")
    .replace(/`\S+ replace -f/g, "`CLI replace -f")
    .replace(/\/(LIVE|MERGED)-\d+/g, "/$1-N")
    .replace(/^(---|\+\+\+) (\S+)\t.*$/gm, "$1 $2")
    .replace(/^(\s*)(creationTimestamp|resourceVersion|uid): .*$/gm, "$1$2: X")
    .replace(/"(creationTimestamp|resourceVersion|uid)":"[^"]*"/g, '"$1":"X"');
}

/** Edit cases: the editor's scripted changes (a shell snippet on "$1" per run) and edit's flags. */
const EDITS: [string, string[], string[]][] = [
  ["invalid YAML appended", ['echo "this: is: not: yaml: [" >> "$1"'], []],
  ["an emptied file", [': > "$1"'], []],
  ["only comments left", ['echo "# nothing" > "$1"'], []],
  ["kind and apiVersion removed", ['sed -i "/^kind:/d;/^apiVersion:/d" "$1"'], []],
  ["a bad apiVersion", ['sed -i "s|^apiVersion: .*|apiVersion: a/b/c|" "$1"'], []],
  ["a list", ['echo "- a" > "$1"'], []],
  ["invalid YAML, then fixed", [
    'echo "this: is: not: yaml: [" >> "$1"',
    'sed -i "s/^this: is.*/  k: fixed/" "$1"',
  ], []],
  ["a key the server refuses, then an emptied file", [
    `sed -i 's/^  k: .*/  "bad key": v2/' "$1"`,
    ': > "$1"',
  ], []],
  ["a value of the wrong type", ['sed -i "s/^  k: .*/  k: [1, 2]/" "$1"'], []],
  ["an emptied file, unvalidated", [': > "$1"'], ["--validate=false"]],
  ["invalid YAML, unvalidated", ['echo "this: is: not: yaml: [" >> "$1"'], [
    "--validate=false",
  ]],
  ["no kind, unvalidated", ['sed -i "/^kind:/d" "$1"'], ["--validate=false"]],
  ["an unknown kind, unvalidated", ['sed -i "s/^kind: .*/kind: Nope/" "$1"'], [
    "--validate=false",
  ]],
  ["a scalar, unvalidated", ['echo "3" > "$1"'], ["--validate=false"]],
];

Deno.test("edit: what kubectl 1.32 prints and shows for files it refuses", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  await Deno.writeTextFile(`${fx.dir}/ac.yaml`, AC);
  // Each run starts from a fresh ac (recreated in-process: quicker than kubectl).
  const reset = async () => {
    const server = ["--server", fx.server.url];
    await k1s.run([...server, "delete", "cm", "ac", "--ignore-not-found"], captureIO());
    const io = captureIO();
    assert.equal(await k1s.run([...server, "create", "-f", `${fx.dir}/ac.yaml`], io), 0, io.err);
  };
  let editors = 0;
  /** An editor applying `steps`; returns it and the files it was shown. */
  const editor = async (steps: string[]) => {
    const dir = `${fx.dir}/editor${++editors}`;
    await Deno.mkdir(dir);
    const cases = steps.map((step, i) => `${i + 1}) ${step} ;;`).join("\n");
    await Deno.writeTextFile(
      `${dir}/editor.sh`,
      `n=$(( $(cat "${dir}/count" 2>/dev/null || echo 0) + 1 ))\n` +
        `echo $n > "${dir}/count"\ncp "$1" "${dir}/seen$n"\ncase $n in\n${cases}\nesac\n`,
    );
    const seen = async () => {
      const files: string[] = [];
      for (let n = 1;; n++) {
        try {
          files.push(stable(await Deno.readTextFile(`${dir}/seen${n}`)));
        } catch {
          return files;
        }
      }
    };
    return { command: `sh ${dir}/editor.sh`, seen };
  };
  for (const [name, steps, flags] of EDITS) {
    await t.step(name, async () => {
      const args = ["edit", "cm", "ac", ...flags];
      await reset();
      const theirEditor = await editor(steps);
      const theirs = await fx.kubectl.run(args, { env: { KUBE_EDITOR: theirEditor.command } });
      const theirData = await fx.kubectl.run(["get", "cm", "ac", "-o", "jsonpath={.data}"]);
      await reset();
      const ourEditor = await editor(steps);
      const io = captureIO({ env: { KUBE_EDITOR: ourEditor.command } });
      const code = await k1s.run(["--server", fx.server.url, ...args], io);
      const ours: KubectlRun = { code, out: io.out, err: io.err };
      const norm = (r: KubectlRun) => ({ ...r, out: stable(r.out), err: stable(r.err) });
      assert.deepEqual(norm(ours), norm(theirs));
      assert.deepEqual(await ourEditor.seen(), await theirEditor.seen());
      assert.deepEqual(
        await fx.kubectl.run(["get", "cm", "ac", "-o", "jsonpath={.data}"]),
        theirData,
      );
    });
  }
});

Deno.test("diff: messages and directories as kubectl 1.32's", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  const files: Record<string, string> = {
    "ac.yaml": AC,
    "changed.yaml": AC.replace("{k: v}", "{k: changed}"),
    // A value of the wrong type: the server refuses the dry-run patch, and the create.
    "bad.yaml": AC.replace("{k: v}", "{k: [1, 2]}"),
    "badnew.yaml": AC.replace("{k: v}", "{k: [1, 2]}").replace("name: ac", "name: fresh"),
  };
  for (const [file, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${fx.dir}/${file}`, text);
  }
  await Deno.writeTextFile(`${fx.dir}/exit3.sh`, '#!/bin/sh\necho "$# arguments"\nexit 3\n');
  await Deno.chmod(`${fx.dir}/exit3.sh`, 0o755);
  await Deno.writeTextFile(`${fx.dir}/noexec.sh`, "#!/bin/sh\n");
  const created = await fx.kubectl.run(["create", "-f", `${fx.dir}/ac.yaml`]);
  assert.equal(created.code, 0, created.err);
  const cases: [string, string, string | undefined][] = [
    ["a change, with diff -u -N", "changed.yaml", undefined],
    ["a patch the server refuses", "bad.yaml", undefined],
    ["a create the server refuses", "badnew.yaml", undefined],
    ["a program not on PATH", "changed.yaml", "nonexistentdiffprog"],
    ["a path that is no program", "changed.yaml", `${fx.dir}/noexec.sh`],
    ["a program that exits with 3", "changed.yaml", `${fx.dir}/exit3.sh`],
    ["cat, called by its name", "changed.yaml", "cat"],
    ["ls -d, the directories' names", "changed.yaml", "ls -d"],
  ];
  for (const [name, file, program] of cases) {
    await t.step(name, async () => {
      const env: Record<string, string> = program ? { KUBECTL_EXTERNAL_DIFF: program } : {};
      const args = ["diff", "-f", `${fx.dir}/${file}`];
      const theirs = await fx.kubectl.run(args, { env });
      const io = captureIO({ env });
      const code = await k1s.run(["--server", fx.server.url, ...args], io);
      if (program === "ls -d") {
        assert.match(io.out, /^\S*\/LIVE-\d+\n\S*\/MERGED-\d+\n$/);
      }
      assert.deepEqual(
        { code, out: stable(io.out), err: stable(io.err) },
        { ...theirs, out: stable(theirs.out), err: stable(theirs.err) },
      );
    });
  }
});
