// `describe` run in-process on a seeded SQLite store, with golden output in kubectl's layout.
import assert from "node:assert/strict";
import { k, seeded } from "./_fixture_test_helpers.ts";

const APP = `Name:         app
Namespace:    default
Labels:       app=shop
              tier=web
Annotations:  note: hi

Data
====
conf.ini:
----
a=1
b=2

mode:
----
fast


BinaryData
====
blob: 5 bytes

`;

const APP_EVENTS = APP + `Events:
  Type    Reason   Age               From     Message
  ----    ------   ----              ----     -------
  Normal  Checked  8m                checker  ok
  Normal  Seen     5s (x3 over 10m)  ctrl     config loaded
`;

Deno.test("describe configmap: data, binary data and aggregated events", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "configmap", "app"]);
  assert.equal(r.err, "");
  assert.equal(r.code, 0);
  assert.equal(r.out, APP_EVENTS);
  const quiet = await k(s.store, ["describe", "cm/quiet"]);
  assert.equal(
    quiet.out,
    `Name:         quiet
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====

BinaryData
====

Events:  <none>
`,
  );
});

Deno.test("describe secret shows sizes, never values", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "secret", "pw"]);
  assert.equal(
    r.out,
    `Name:         pw
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  6 bytes
user:      5 bytes
`,
  );
});

Deno.test("describe namespace", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "ns", "default"]);
  assert.equal(
    r.out,
    `Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active
`,
  );
});

Deno.test("describe serviceaccount: pull, mountable (missing ones marked) and token secrets", async () => {
  await using s = await seeded("describe");
  assert.equal(
    (await k(s.store, ["describe", "sa", "bot"])).out,
    `Name:                bot
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  reg1
                     reg2
Mountable secrets:   <none>
Tokens:              <none>
Events:              <none>
`,
  );
  const made = await k(
    s.store,
    ["create", "-f", "-"],
    `apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
secrets: [{name: pw}, {name: gone}]
---
apiVersion: v1
kind: Secret
metadata:
  name: robot-token
  annotations: {kubernetes.io/service-account.name: robot}
type: kubernetes.io/service-account-token
`,
  );
  assert.equal(made.err, "");
  assert.equal(
    (await k(s.store, ["describe", "serviceaccount/robot"])).out,
    `Name:                robot
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  <none>
Mountable secrets:   pw
                     gone (not found)
Tokens:              robot-token
Events:              <none>
`,
  );
});

Deno.test("describe a user kind with the generic describer", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "itm", "widget"]);
  assert.equal(r.code, 0);
  assert.equal(
    r.out.replace(/UID: {17}\S+/, "UID:                 <uid>"),
    `Name:         widget
Namespace:    default
Labels:       <none>
Annotations:  <none>
API Version:  inventory.k1s.dev/v1alpha1
Kind:         Item
Metadata:
  Creation Timestamp:  2024-01-01T00:00:00Z
  Generation:          1
  Resource Version:    7
  UID:                 <uid>
Spec:
  Display Name:  Widget
  Quantity:      1
  Tags:
    a
    b
Events:
  Type     Reason    Age   From   Message
  ----     ------    ----  ----   -------
  Warning  LowStock  5m    stock  stock low
`,
  );
  // With no events, "Events:" joins the alignment block of the last fields, as in kubectl.
  const gadget = await k(s.store, ["describe", "item.inventory.k1s.dev/gadget"]);
  assert.match(
    gadget.out,
    /\nSpec:\n {2}Display Name: {2}Gadget\n {2}Quantity: {6}1\nEvents: {10}<none>\n$/,
  );
});

Deno.test("describe several objects: two newlines between, events of each", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "cm"]);
  assert.equal(
    r.out,
    APP_EVENTS + `

Name:         quiet
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====

BinaryData
====

Events:  <none>
`,
  );
  // Listed one object a request (--chunk-size), the result is the same.
  assert.deepEqual(await k(s.store, ["describe", "cm", "--chunk-size=1"]), r);
  const quiet = await k(s.store, ["describe", "cm", "--show-events=false"]);
  assert.ok(quiet.out.startsWith(APP + "\n\nName:         quiet"));
  assert.ok(!quiet.out.includes("Events:"));
  const sel = await k(s.store, ["describe", "cm", "-l", "tier=web"]);
  assert.ok(sel.out.startsWith(APP) && sel.out.includes("Events:"));
  const none = await k(s.store, ["describe", "cm", "-l", "tier=db"]);
  assert.deepEqual(none, { code: 0, out: "", err: "No resources found in default namespace.\n" });
});

Deno.test("describe TYPE PREFIX describes the objects whose names start with it", async () => {
  await using s = await seeded("describe");
  const r = await k(s.store, ["describe", "cm", "ap"]);
  assert.equal(r.code, 0);
  assert.equal(r.out, APP_EVENTS + "\n");
});

Deno.test("describe errors as kubectl", async () => {
  await using s = await seeded("describe");
  assert.deepEqual(await k(s.store, ["describe", "configmaps", "x"]), {
    code: 1,
    out: "",
    err: 'Error from server (NotFound): configmaps "x" not found\n',
  });
  const some = await k(s.store, ["describe", "cm", "app", "nope"]);
  assert.equal(some.code, 1);
  assert.equal(some.out, APP_EVENTS);
  assert.equal(some.err, 'Error from server (NotFound): configmaps "nope" not found\n');
  assert.deepEqual(await k(s.store, ["describe", "frobs"]), {
    code: 1,
    out: "",
    err: 'error: the server doesn\'t have a resource type "frobs"\n',
  });
  const bare = await k(s.store, ["describe"]);
  assert.equal(bare.code, 1);
  assert.equal(
    bare.err,
    'error: You must specify the type of resource to describe. Use "k1s api-resources" for a ' +
      "complete list of supported resources.\n",
  );
});
