// `explain` run in-process: kubectl's layout from the kinds' zod schemas.
import assert from "node:assert/strict";
import { z } from "zod";
import { defineKind } from "@k1s/k1s";
import { defineCli } from "../kit.ts";
import { standardCommands } from "./mod.ts";
import { runCli } from "../_test_helpers.ts";

const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  spec: z.object({
    displayName: z.string().describe("Name shown to people."),
    color: z.enum(["red", "green", "blue", "black", "white"]).optional(),
    quantity: z.number().int().min(0).default(1),
    tags: z.array(z.string()).optional(),
  }).describe("Desired state of the item."),
  status: z.object({ ready: z.boolean().optional() }),
});

const cli = defineCli({
  name: "k1s",
  version: "0",
  kinds: [Item],
  commands: standardCommands(),
});

function k(args: string[]) {
  return runCli(cli, ["--store", "memory:", ...args]);
}

const HEAD = "GROUP:      inventory.k1s.dev\nKIND:       Item\nVERSION:    v1alpha1\n\n";
const META = "Standard object's metadata. More info:\n" +
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata\n";

Deno.test("explain a kind: its fields with types, descriptions and -required-", async () => {
  assert.deepEqual(await k(["explain", "items"]), {
    code: 0,
    out: HEAD + `DESCRIPTION:
    <empty>
FIELDS:
  apiVersion\t<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  kind\t<string>
    Kind is a string value representing the REST resource this object
    represents. Servers may infer this from the endpoint the client submits
    requests to. Cannot be updated. In CamelCase. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

  metadata\t<ObjectMeta>
    ${META}
  spec\t<Object> -required-
    Desired state of the item.

  status\t<Object>
    <no description>


`,
    err: "",
  });
  const cm = await k(["explain", "cm"]);
  assert.ok(cm.out.startsWith(`KIND:       ConfigMap
VERSION:    v1

DESCRIPTION:
    ConfigMap holds configuration data for pods to consume.
    \nFIELDS:
  apiVersion\t<string>
`));
  assert.match(
    cm.out,
    /\n {2}data\t<map\[string\]string>\n {4}Data contains the configuration data\./,
  );
});

Deno.test("explain a nested field, with enums", async () => {
  assert.equal(
    (await k(["explain", "item.spec"])).out,
    HEAD + `FIELD: spec <Object>


DESCRIPTION:
    Desired state of the item.
    \nFIELDS:
  color\t<string>
  enum: red, green, blue, black, ....
    <no description>

  displayName\t<string> -required-
    Name shown to people.

  quantity\t<integer>
    <no description>

  tags\t<[]string>
    <no description>


`,
  );
  assert.equal(
    (await k(["explain", "itm.spec.color"])).out,
    HEAD + `FIELD: color <string>
ENUM:
    red
    green
    blue
    black
    white

DESCRIPTION:
    <empty>

`,
  );
  const through = await k(["explain", "namespaces.metadata.ownerReferences.uid"]);
  assert.equal(
    through.out,
    "KIND:       Namespace\nVERSION:    v1\n\nFIELD: uid <string>\n\n\n" +
      "DESCRIPTION:\n    UID of the referent. More info:\n" +
      "    https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids\n    \n\n",
  );
});

Deno.test("explain --recursive prints the field tree", async () => {
  assert.equal(
    (await k(["explain", "item", "--recursive"])).out,
    HEAD + `DESCRIPTION:
    <empty>
FIELDS:
  apiVersion\t<string>
  kind\t<string>
  metadata\t<ObjectMeta>
    annotations\t<map[string]string>
    creationTimestamp\t<string>
    deletionGracePeriodSeconds\t<integer>
    deletionTimestamp\t<string>
    finalizers\t<[]string>
    generateName\t<string>
    generation\t<integer>
    labels\t<map[string]string>
    managedFields\t<[]ManagedFieldsEntry>
      apiVersion\t<string>
      fieldsType\t<string>
      fieldsV1\t<FieldsV1>
      manager\t<string>
      operation\t<string>
      subresource\t<string>
      time\t<string>
    name\t<string>
    namespace\t<string>
    ownerReferences\t<[]OwnerReference>
      apiVersion\t<string> -required-
      blockOwnerDeletion\t<boolean>
      controller\t<boolean>
      kind\t<string> -required-
      name\t<string> -required-
      uid\t<string> -required-
    resourceVersion\t<string>
    selfLink\t<string>
    uid\t<string>
  spec\t<Object> -required-
    color\t<string>
    enum: red, green, blue, black, ....
    displayName\t<string> -required-
    quantity\t<integer>
    tags\t<[]string>
  status\t<Object>
    ready\t<boolean>

`,
  );
  assert.equal(
    (await k(["explain", "ns.status", "--recursive"])).out,
    `KIND:       Namespace
VERSION:    v1

FIELD: status <NamespaceStatus>


DESCRIPTION:
    Status describes the current status of a Namespace. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status
    
FIELDS:
  conditions\t<[]NamespaceCondition>
    lastTransitionTime\t<string>
    message\t<string>
    reason\t<string>
    status\t<string> -required-
    type\t<string> -required-
  phase\t<string>
  enum: Active, Terminating

`,
  );
});

Deno.test("explain errors as kubectl", async () => {
  // kubectl 1.32 (against k1s serve) has printed the header when it finds a field missing.
  assert.deepEqual(await k(["explain", "cm.nope"]), {
    code: 1,
    out: "KIND:       ConfigMap\nVERSION:    v1\n\n",
    err: 'error: field "nope" does not exist\n',
  });
  assert.deepEqual(await k(["explain", "item.spec.size"]), {
    code: 1,
    out: "GROUP:      inventory.k1s.dev\nKIND:       Item\nVERSION:    v1alpha1\n\n",
    err: 'error: field "size" does not exist\n',
  });
  assert.equal((await k(["explain", "cm.data.x"])).err, 'error: field "x" does not exist\n');
  assert.equal(
    (await k(["explain", "frobs"])).err,
    'error: the server doesn\'t have a resource type "frobs"\n',
  );
  assert.deepEqual(await k(["explain"]), {
    code: 1,
    out: "",
    err: 'error: You must specify the type of resource to explain. Use "k1s api-resources" for a ' +
      "complete list of supported resources.\n",
  });
  assert.deepEqual(await k(["explain", "cm", "secrets"]), {
    code: 1,
    out: "",
    err: "error: We accept only this format: explain RESOURCE\n",
  });
});
