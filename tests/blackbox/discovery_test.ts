// Black-box: what the k1s process tells about itself — api-resources, explain, version and the
// shell completion scripts — in kubectl's layouts, with kubectl's errors and exit codes.
import assert from "node:assert/strict";
import { assertFails, assertOk, REMOTE, sandbox, withoutServedReviews } from "./_harness.ts";

const VERSION: string = JSON.parse(
  await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
).version;

Deno.test("api-resources lists the kinds as kubectl does, filtered by scope and group", async () => {
  await using s = await sandbox();
  assertOk(
    withoutServedReviews(await s.k1s(["api-resources"])),
    "NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND\n" +
      "configmaps                          cm           v1                                true         ConfigMap\n" +
      "events                              ev           v1                                true         Event\n" +
      "namespaces                          ns           v1                                false        Namespace\n" +
      "secrets                                          v1                                true         Secret\n" +
      "serviceaccounts                     sa           v1                                true         ServiceAccount\n" +
      "validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy\n" +
      "validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding\n" +
      "customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition\n" +
      "leases                                           coordination.k8s.io/v1            true         Lease\n",
  );
  assertOk(
    withoutServedReviews(await s.k1s(["api-resources", "-o", "name"])),
    "configmaps\nevents\nnamespaces\nsecrets\nserviceaccounts\n" +
      "validatingadmissionpolicies.admissionregistration.k8s.io\n" +
      "validatingadmissionpolicybindings.admissionregistration.k8s.io\n" +
      "customresourcedefinitions.apiextensions.k8s.io\n" +
      "leases.coordination.k8s.io\n",
  );
  assertOk(
    withoutServedReviews(await s.k1s(["api-resources", "--namespaced=false"])),
    "NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND\n" +
      "namespaces                          ns           v1                                false        Namespace\n" +
      "validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy\n" +
      "validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding\n" +
      "customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition\n",
  );
  // --api-group= is the core group; --namespaced alone means true.
  assertOk(
    withoutServedReviews(
      await s.k1s(["api-resources", "--api-group=", "--namespaced", "--no-headers"]),
    ),
    "configmaps        cm    v1    true   ConfigMap\n" +
      "events            ev    v1    true   Event\n" +
      "secrets                 v1    true   Secret\n" +
      "serviceaccounts   sa    v1    true   ServiceAccount\n",
  );
  // A group with no kinds: the header only.
  assertOk(
    withoutServedReviews(await s.k1s(["api-resources", "--api-group", "apps"])),
    "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n",
  );
  // -o wide: VERBS comma-separated, then CATEGORIES (empty for these kinds).
  const wide = withoutServedReviews(await s.k1s(["api-resources", "-o", "wide", "--api-group="]));
  assert.equal(wide.code, 0);
  assert.equal(wide.err, "");
  const rows = wide.out.split("\n");
  assert.equal(
    rows[0],
    "NAME              SHORTNAMES   APIVERSION   NAMESPACED   KIND             VERBS" +
      " ".repeat(56) + "CATEGORIES",
  );
  assert.equal(
    rows[1],
    "configmaps        cm           v1           true         ConfigMap        " +
      "create,delete,deletecollection,get,list,patch,update,watch   ",
  );
  assert.equal(rows.length, 7);
  for (const row of rows.slice(1, -1)) assert.match(row, / (?:[a-z]+,)+[a-z]+ {3,}$/);
  // Namespaces cannot be deleted as a collection, as in Kubernetes.
  assert.match(rows[3], /^namespaces .* create,delete,get,list,patch,update,watch {3,}$/);
  assertFails(
    withoutServedReviews(await s.k1s(["api-resources", "pods"])),
    "error: unexpected arguments: [pods]\nSee 'k1s api-resources -h' for help and examples\n",
  );
});

Deno.test("explain prints kubectl's layout for a kind, a field path and --recursive", async () => {
  await using s = await sandbox();
  const kind = await s.k1s(["explain", "configmaps"]);
  assert.equal(kind.code, 0);
  assert.equal(kind.err, "");
  assert.match(kind.out, /^KIND: {7}ConfigMap\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}\S/);
  assert.match(kind.out, /\n {4}\nFIELDS:\n {2}apiVersion\t<string>\n {4}\S/);
  assert.ok(kind.out.endsWith("\n\n\n"), JSON.stringify(kind.out.slice(-40)));
  assert.deepEqual(kind.out.split("\n").filter((l) => /^ {2}\S/.test(l)), [
    "  apiVersion\t<string>",
    "  binaryData\t<map[string]string>",
    "  data\t<map[string]string>",
    "  immutable\t<boolean>",
    "  kind\t<string>",
    "  metadata\t<ObjectMeta>",
  ]);

  const field = await s.k1s(["explain", "cm.data"]);
  assert.equal(field.code, 0);
  assert.equal(field.err, "");
  assert.match(
    field.out,
    /^KIND: {7}ConfigMap\nVERSION: {4}v1\n\nFIELD: data <map\[string\]string>\n\n\nDESCRIPTION:\n {4}\S/,
  );
  assert.ok(field.out.endsWith("\n    \n\n"), JSON.stringify(field.out.slice(-40)));
  assert.doesNotMatch(field.out, /FIELDS:/);

  // --recursive: the field tree, names and types only, two spaces per level.
  const tree = await s.k1s(["explain", "cm", "--recursive"]);
  assert.equal(tree.code, 0);
  assert.equal(tree.err, "");
  const [head, fields] = tree.out.split("\nFIELDS:\n");
  assert.match(head, /^KIND: {7}ConfigMap\nVERSION: {4}v1\n\nDESCRIPTION:\n/);
  const lines = fields.split("\n");
  assert.deepEqual(lines.slice(-2), ["", ""]);
  for (const l of lines.slice(0, -2)) {
    assert.match(l, /^(?: {2})+[A-Za-z]\w*\t<[^>]+>(?: -required-)?$/);
  }
  assert.deepEqual(lines.filter((l) => /^ {2}\S/.test(l)), [
    "  apiVersion\t<string>",
    "  binaryData\t<map[string]string>",
    "  data\t<map[string]string>",
    "  immutable\t<boolean>",
    "  kind\t<string>",
    "  metadata\t<ObjectMeta>",
  ]);
  const meta = lines.slice(lines.indexOf("  metadata\t<ObjectMeta>") + 1);
  assert.ok(meta.includes("    labels\t<map[string]string>"), fields);
  assert.ok(meta.includes("    name\t<string>"), fields);

  // As kubectl 1.32: the header is printed before the field is found missing.
  assert.deepEqual(await s.k1s(["explain", "cm.metadata.nope"]), {
    code: 1,
    out: "KIND:       ConfigMap\nVERSION:    v1\n\n",
    err: 'error: field "nope" does not exist\n',
  });
  assertFails(
    await s.k1s(["explain", "frobs"]),
    'error: the server doesn\'t have a resource type "frobs"\n',
  );
});

Deno.test("version prints client and server versions, as text, json or yaml", async () => {
  await using s = await sandbox();
  // Through a server, what its /version says (the Kubernetes API k1s serves); else the
  // embedded server's, which is the client's.
  const SERVER = REMOTE ? "1.32.0-k1s" : VERSION;
  assertOk(
    await s.k1s(["version"]),
    `Client Version: v${VERSION}\nServer Version: v${SERVER}\n`,
  );
  assertOk(await s.k1s(["version", "--client"]), `Client Version: v${VERSION}\n`);
  const json = await s.k1s(["version", "-o", "json"]);
  assert.equal(json.code, 0);
  assert.equal(json.err, "");
  // Go's json.MarshalIndent with two spaces, then a newline.
  assert.match(json.out, /^{\n {2}"clientVersion": {\n {4}"major": "\d+",\n {4}"minor": "\d+",\n/);
  assert.ok(json.out.endsWith("\n  }\n}\n"));
  const parsed = JSON.parse(json.out);
  assert.deepEqual(Object.keys(parsed), ["clientVersion", "serverVersion"]);
  assert.equal(parsed.clientVersion.gitVersion, `v${VERSION}`);
  assert.equal(parsed.serverVersion.gitVersion, `v${SERVER}`);
  const [major, minor] = VERSION.split(".");
  assert.equal(parsed.clientVersion.major, major);
  assert.equal(parsed.clientVersion.minor, minor);
  // YAML keys sorted, a blank line after the document; --client leaves the server out.
  const yaml = await s.k1s(["version", "--client", "--output=yaml"]);
  assert.equal(yaml.code, 0);
  assert.equal(yaml.err, "");
  assert.match(
    yaml.out,
    new RegExp(
      `^clientVersion:\\n {2}gitVersion: v${
        VERSION.replaceAll(".", "\\.")
      }\\n {2}major: "${major}"\\n {2}minor: "${minor}"\\n`,
    ),
  );
  assert.ok(yaml.out.endsWith("\n\n"));
  assert.doesNotMatch(yaml.out, /serverVersion/);
  assertFails(await s.k1s(["version", "-o", "wide"]), "error: --output must be 'yaml' or 'json'\n");
});

Deno.test("completion prints a script for bash, zsh and fish, and rejects other shells", async () => {
  await using s = await sandbox();
  const bash = await s.k1s(["completion", "bash"]);
  assert.equal(bash.code, 0);
  assert.equal(bash.err, "");
  assert.match(bash.out, /^complete .*-F _k1s k1s$/m);
  // The script is valid bash and completes verbs and resource types.
  const script = await s.file("k1s.bash", bash.out);
  const probe = await new Deno.Command("bash", {
    args: [
      "-c",
      'source "$1" && COMP_WORDS=(k1s ge) COMP_CWORD=1 && _k1s && echo "${COMPREPLY[*]}" && ' +
      'COMP_WORDS=(k1s get configm) COMP_CWORD=2 && _k1s && echo "${COMPREPLY[*]}"',
      "bash",
      script,
    ],
    cwd: s.cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.deepEqual(
    { code: probe.code, out: dec.decode(probe.stdout), err: dec.decode(probe.stderr) },
    { code: 0, out: "get\nconfigmaps\n", err: "" },
  );

  const zsh = await s.k1s(["completion", "zsh"]);
  assert.equal(zsh.code, 0);
  assert.equal(zsh.err, "");
  assert.ok(zsh.out.startsWith("#compdef k1s\n"));
  assert.match(zsh.out, /^\s*compdef _k1s k1s$/m);

  const fish = await s.k1s(["completion", "fish"]);
  assert.equal(fish.code, 0);
  assert.equal(fish.err, "");
  assert.match(fish.out, /^complete -c k1s /m);

  const pwsh = await s.k1s(["completion", "powershell"]);
  assert.equal(pwsh.code, 0);
  assert.match(pwsh.out, /Register-ArgumentCompleter/);
  assertFails(
    await s.k1s(["completion", "tcsh"]),
    "error: Unsupported shell type \"tcsh\".\nSee 'k1s completion -h' for help and examples\n",
  );
});

Deno.test("api-resources --verbs, --sort-by and --cached, as kubectl", async () => {
  await using s = await sandbox();
  const byKind = withoutServedReviews(
    await s.k1s(["api-resources", "--sort-by=kind", "-o", "name"]),
  );
  assert.equal(byKind.code, 0, byKind.err);
  const names = byKind.out.trim().split("\n");
  // ConfigMap < CustomResourceDefinition < Event < Lease < MutatingWebhookConfiguration < ...
  assert.deepEqual(names.slice(0, 4), [
    "configmaps",
    "customresourcedefinitions.apiextensions.k8s.io",
    "events",
    "leases.coordination.k8s.io",
  ]);
  // Namespaces cannot be deleted as a collection: not listed for that verb.
  const collection = withoutServedReviews(
    await s.k1s(["api-resources", "--verbs=deletecollection,get", "-o", "name"]),
  );
  assert.ok(!collection.out.split("\n").includes("namespaces"), collection.out);
  assert.ok(collection.out.split("\n").includes("configmaps"));
  assertOk(
    withoutServedReviews(
      await s.k1s(["api-resources", "--verbs", "list", "--verbs", "frob", "--cached"]),
    ),
    "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n",
  );
  assertFails(
    withoutServedReviews(await s.k1s(["api-resources", "--sort-by=age"])),
    "error: --sort-by accepts only name or kind\n",
  );
  // --categories: the kinds in every category given (kubectl's HasAll).
  assertOk(
    withoutServedReviews(
      await s.k1s(["api-resources", "--categories=api-extensions", "-o", "name"]),
    ),
    "validatingadmissionpolicies.admissionregistration.k8s.io\n" +
      "validatingadmissionpolicybindings.admissionregistration.k8s.io\n" +
      "customresourcedefinitions.apiextensions.k8s.io\n",
  );
  assertOk(
    withoutServedReviews(
      await s.k1s(["api-resources", "--categories", "api-extensions", "--categories", "nope"]),
    ),
    "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n",
  );
});
