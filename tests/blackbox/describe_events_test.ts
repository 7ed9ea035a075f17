// Black-box: `describe` and `events` as a k1s process prints them, golden against kubectl's
// (v1.32) layouts: the core/v1 describers, several objects, name prefixes, selectors, errors, and
// events created with `create -f` about a ConfigMap.
import assert from "node:assert/strict";
import { assertFails, assertOk, freshAges, type Sandbox, sandbox, spawn } from "./_harness.ts";

/** ConfigMaps app-1 (data, binary data, labels, annotations), app-2 and other; a Secret; a
 * ServiceAccount; a Namespace. */
const OBJECTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-1
  labels: {tier: web, app: shop}
  annotations:
    note: hi
    multi: "first\\nsecond"
data:
  mode: fast
  conf.ini: |
    a=1
    b=2
binaryData:
  blob: AAEC/w==
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  labels: {tier: db}
data:
  k: v
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  user: admin
  password: s3cr3t!
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bot
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels: {owner: me}
`;

const APP1 = `Name:         app-1
Namespace:    default
Labels:       app=shop
              tier=web
Annotations:  multi:
                first
                second
              note: hi

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
blob: 4 bytes

`;

const APP2 = `Name:         app-2
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====

BinaryData
====

`;

const OTHER = `Name:         other
Namespace:    default
Labels:       tier=db
Annotations:  <none>

Data
====
k:
----
v


BinaryData
====

`;

const NO_EVENTS = "Events:  <none>\n";

async function seed(s: Sandbox): Promise<void> {
  const file = await s.file("objects.yaml", OBJECTS);
  assertOk(
    await s.k1s(["create", "-f", file]),
    "configmap/app-1 created\nconfigmap/app-2 created\nconfigmap/other created\n" +
      "secret/creds created\nserviceaccount/bot created\nnamespace/team created\n",
  );
}

Deno.test("describe: kubectl's core/v1 describers, several objects, prefixes, selectors, errors", async () => {
  await using s = await sandbox();
  await seed(s);

  assertOk(await s.k1s(["describe", "configmap", "app-1"]), APP1 + NO_EVENTS);
  assertOk(await s.k1s(["describe", "cm/other"]), OTHER + NO_EVENTS);

  // Secret values are never shown, only their sizes; a Secret has no Events section.
  assertOk(
    await s.k1s(["describe", "secret", "creds"]),
    `Name:         creds
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  7 bytes
user:      5 bytes
`,
  );

  assertOk(
    await s.k1s(["describe", "ns", "team"]),
    `Name:         team
Labels:       kubernetes.io/metadata.name=team
              owner=me
Annotations:  <none>
Status:       Active
`,
  );

  // kubectl 1.32 also prints "Mountable secrets:" and "Tokens:" rows here (a deviation of k1s,
  // reported, not asserted); the rows both print are checked.
  const sa = await s.k1s(["describe", "serviceaccount", "bot"]);
  assert.equal(sa.code, 0);
  assert.equal(sa.err, "");
  assert.ok(
    sa.out.startsWith(
      "Name:                bot\nNamespace:           default\nLabels:              <none>\n" +
        "Annotations:         <none>\nImage pull secrets:  <none>\n",
    ),
    sa.out,
  );
  assert.ok(sa.out.endsWith("\nEvents:              <none>\n"), sa.out);

  // Every object of the type, in name order, separated by kubectl's "\n\n". (kubectl 1.32 shows
  // each object's events by default; --show-events=true asks for that explicitly.)
  assertOk(
    await s.k1s(["describe", "cm", "--show-events=true"]),
    [APP1 + NO_EVENTS, APP2 + NO_EVENTS, OTHER + NO_EVENTS].join("\n\n"),
  );

  // No object named "app": every object whose name starts with it, each followed by "\n".
  assertOk(
    await s.k1s(["describe", "cm", "app", "--show-events=true"]),
    APP1 + NO_EVENTS + "\n" + APP2 + NO_EVENTS + "\n",
  );

  // A selector matching one object: that object with its events.
  assertOk(await s.k1s(["describe", "cm", "-l", "tier=db"]), OTHER + NO_EVENTS);

  // A name that is neither an object nor a prefix of one.
  assertFails(
    await s.k1s(["describe", "cm", "nope"]),
    'Error from server (NotFound): configmaps "nope" not found\n',
  );
});

/** RFC 3339 time `ago` ms before `now`, in whole seconds as the API server stores it. */
function stamp(now: number, ago: number): string {
  return new Date(Math.floor((now - ago) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

const MIN = 60_000;

/** An Event about a ConfigMap; `seenAgo`/`firstAgo` in ms. */
function event(
  e: {
    name: string;
    namespace: string;
    object: string;
    uid?: string;
    type: string;
    reason: string;
    message: string;
    count?: number;
    component: string;
    firstAgo: number;
    seenAgo: number;
  },
  now: number,
): string {
  return `apiVersion: v1
kind: Event
metadata:
  name: ${e.name}
  namespace: ${e.namespace}
involvedObject:
  apiVersion: v1
  kind: ConfigMap
  name: ${e.object}
  namespace: ${e.namespace}${e.uid ? `\n  uid: ${e.uid}` : ""}
type: ${e.type}
reason: ${e.reason}
message: ${JSON.stringify(e.message)}
${e.count ? `count: ${e.count}\n` : ""}${
    // kubectl's From column: source.component, else reportingComponent.
    e.type === "Warning"
      ? `reportingComponent: ${e.component}`
      : `source:\n  component: ${e.component}`}
firstTimestamp: "${stamp(now, e.firstAgo)}"
lastTimestamp: "${stamp(now, e.seenAgo)}"
`;
}

Deno.test("events about an object: describe's Events table and the events command", async () => {
  await using s = await sandbox();
  const cm = await s.k1s(["create", "cm", "app", "--from-literal=a=1"]);
  assertOk(cm, "configmap/app created\n");
  const uid = await s.k1s(["get", "cm", "app", "-o", "jsonpath={.metadata.uid}"]);
  assert.equal(uid.code, 0);
  assert.match(uid.out, /^[0-9a-f-]{36}$/);

  // Ages of 10 minutes and more print in whole minutes; the newest event is seconds old.
  const now = Date.now();
  const events = [
    event({
      name: "app.loaded",
      namespace: "default",
      object: "app",
      uid: uid.out,
      type: "Normal",
      reason: "Loaded",
      message: "config loaded\n",
      count: 3,
      component: "loader",
      firstAgo: 60 * MIN + 5000,
      seenAgo: 20 * MIN + 5000,
    }, now),
    event({
      name: "app.badkey",
      namespace: "default",
      object: "app",
      uid: uid.out,
      type: "Warning",
      reason: "BadKey",
      message: "key a is deprecated",
      component: "linter",
      firstAgo: 0,
      seenAgo: 0,
    }, now),
    event({
      name: "other.noted",
      namespace: "default",
      object: "other",
      type: "Normal",
      reason: "Noted",
      message: "about another object",
      component: "watcher",
      firstAgo: 45 * MIN + 5000,
      seenAgo: 45 * MIN + 5000,
    }, now),
    event({
      name: "z.failed",
      namespace: "team",
      object: "z",
      type: "Warning",
      reason: "Failed",
      message: "in another namespace",
      component: "checker",
      firstAgo: 30 * MIN + 5000,
      seenAgo: 30 * MIN + 5000,
    }, now),
  ];
  const file = await s.file(
    "events.yaml",
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\n" + events.join("---\n"),
  );
  assertOk(
    await s.k1s(["create", "-f", file]),
    "namespace/team created\nevent/app.loaded created\nevent/app.badkey created\n" +
      "event/other.noted created\nevent/z.failed created\n",
  );

  // describe: the object's events only, oldest first, messages trimmed.
  const described = await s.k1s(["describe", "cm", "app"]);
  assert.equal(described.err, "");
  assert.equal(described.code, 0);
  assert.equal(
    freshAges(described.out),
    `Name:         app
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
a:
----
1


BinaryData
====

Events:
  Type     Reason  Age                From    Message
  ----     ------  ----               ----    -------
  Normal   Loaded  20m (x3 over 60m)  loader  config loaded
  Warning  BadKey  0s                 linter  key a is deprecated
`,
  );

  // events: the namespace's events, oldest first, kubectl's columns three spaces apart.
  const ns = await s.k1s(["events"]);
  assert.equal(ns.err, "");
  assert.equal(
    freshAges(ns.out),
    "LAST SEEN           TYPE      REASON   OBJECT            MESSAGE\n" +
      "45m                 Normal    Noted    ConfigMap/other   about another object\n" +
      "20m (x3 over 60m)   Normal    Loaded   ConfigMap/app     config loaded\n" +
      "0s                  Warning   BadKey   ConfigMap/app     key a is deprecated\n",
  );
  const forApp = await s.k1s(["events", "--for=configmap/app"]);
  assert.equal(
    freshAges(forApp.out),
    "LAST SEEN           TYPE      REASON   OBJECT          MESSAGE\n" +
      "20m (x3 over 60m)   Normal    Loaded   ConfigMap/app   config loaded\n" +
      "0s                  Warning   BadKey   ConfigMap/app   key a is deprecated\n",
  );
  const warnings = await s.k1s(["events", "-A", "--types=Warning"]);
  assert.equal(
    freshAges(warnings.out),
    "NAMESPACE   LAST SEEN   TYPE      REASON   OBJECT          MESSAGE\n" +
      "team        30m         Warning   Failed   ConfigMap/z     in another namespace\n" +
      "default     0s          Warning   BadKey   ConfigMap/app   key a is deprecated\n",
  );

  // -o json / yaml: kubectl's EventList of the selected events, oldest first.
  const json = await s.k1s(["events", "-A", "-o", "json"]);
  assert.equal(json.code, 0);
  const list = JSON.parse(json.out);
  assert.equal(list.apiVersion, "v1");
  assert.equal(list.kind, "EventList");
  assert.deepEqual(list.metadata, {});
  assert.deepEqual(
    list.items.map((e: { metadata: { name: string }; kind: string }) =>
      `${e.kind}/${e.metadata.name}`
    ),
    ["Event/other.noted", "Event/z.failed", "Event/app.loaded", "Event/app.badkey"],
  );
  assert.equal(list.items[2].involvedObject.uid, uid.out);
  const yaml = await s.k1s(["events", "--for", "cm/app", "--types", "Warning", "-o", "yaml"]);
  assert.equal(yaml.code, 0);
  assert.match(yaml.out, /^apiVersion: v1\nitems:\n- apiVersion: v1\n/);
  assert.match(yaml.out, /\n {2}reason: BadKey\n/);
  assert.doesNotMatch(yaml.out, /Loaded/);
  assert.match(yaml.out, /\nkind: EventList\nmetadata: \{\}\n$/);

  // Nothing to show: kubectl's notes on stderr, exit code 0.
  assert.deepEqual(await s.k1s(["events", "--for", "configmap/nothing"]), {
    code: 0,
    out: "",
    err: "No events found in default namespace.\n",
  });
});

Deno.test("events -w prints the current events, then each new one, one line each", async () => {
  await using s = await sandbox();
  const event = (name: string, type: string, reason: string) =>
    `apiVersion: v1\nkind: Event\nmetadata:\n  name: ${name}\ninvolvedObject:\n  kind: ConfigMap\n` +
    `  name: x\n  namespace: default\nreason: ${reason}\nmessage: m-${name}\ntype: ${type}\n` +
    `lastTimestamp: "2026-01-01T00:00:00Z"\n`;
  assertOk(
    await s.k1s(["create", "-f", "-"], { stdin: event("e1", "Normal", "Hello") }),
    "event/e1 created\n",
  );
  const child = await spawn(s, ["events", "-w", "--types=Warning,Normal"]);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const until = async (text: string) => {
    const deadline = Date.now() + 20_000;
    while (!out.includes(text)) {
      assert.ok(Date.now() < deadline, `events -w printed ${JSON.stringify(out)}`);
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
  };
  try {
    await until("m-e1");
    assertOk(
      await s.k1s(["create", "-f", "-"], { stdin: event("e2", "Warning", "Again") }),
      "event/e2 created\n",
    );
    await until("m-e2");
    // The header once; each event flushed on its own line, keeping the widths printed before
    // and widening them (TYPE), as kubectl 1.32's tab writer does.
    const [header, first, second, rest] = out.split("\n");
    assert.equal(header, "LAST SEEN   TYPE     REASON   OBJECT        MESSAGE");
    // (The LAST SEEN cells, such as 337d, fit the header's width of 12.)
    assert.equal(first.slice(12), "Normal   Hello    ConfigMap/x   m-e1");
    assert.equal(second.slice(12), "Warning   Again    ConfigMap/x   m-e2");
    assert.equal(rest, "");
  } finally {
    child.kill();
    await reader.cancel().catch(() => {});
    await child.status;
    await child.stderr.cancel().catch(() => {});
  }
});

Deno.test("describe -f: the objects a file names", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "a", "--from-literal=k=v"]), "configmap/a created\n");
  const r = await s.k1s(["describe", "-f", "-"], {
    stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Name:\s+a\nNamespace:\s+default\n/);
  assert.match(r.out, /\nk:\n----\nv\n/);
});

Deno.test("events -w -o json|name: each event by itself, as kubectl's typed client reads it", async () => {
  await using s = await sandbox();
  const event = (name: string) =>
    `apiVersion: v1\nkind: Event\nmetadata:\n  name: ${name}\ninvolvedObject:\n  kind: ConfigMap\n` +
    `  name: x\n  namespace: default\nreason: Seen\nmessage: m-${name}\ntype: Normal\n` +
    `lastTimestamp: "2026-01-01T00:00:00Z"\n`;
  assertOk(await s.k1s(["create", "-f", "-"], { stdin: event("e1") }), "event/e1 created\n");
  for (const [format, expected] of [["json", 2], ["name", 3]] as const) {
    const child = await spawn(s, ["events", "-w", "-o", format]);
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    const count = () =>
      format === "json" ? (out.match(/^}$/gm) ?? []).length : out.split("\n").length - 1;
    const until = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while (count() < n) {
        assert.ok(Date.now() < deadline, `events -w -o ${format} printed ${JSON.stringify(out)}`);
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
    };
    try {
      await until(1);
      const name = `${format}-e2`;
      assertOk(
        await s.k1s(["create", "-f", "-"], { stdin: event(name) }),
        `event/${name} created\n`,
      );
      await until(expected);
      if (format === "name") {
        assert.equal(out, `event/e1\nevent/json-e2\nevent/${name}\n`);
      } else {
        // Whole Event documents (not a List), in Go's field order with its defaults.
        const docs = out.split(/(?<=^})\n/m).filter((d) => d);
        assert.deepEqual(docs.map((d) => JSON.parse(d).metadata.name), ["e1", name]);
        assert.match(
          docs[0],
          /^{\n {4}"kind": "Event",\n {4}"apiVersion": "v1",\n {4}"metadata": {\n/,
        );
        assert.match(
          docs[0],
          /\n {4}"eventTime": null,\n {4}"reportingComponent": "",\n {4}"reportingInstance": ""\n}$/,
        );
      }
    } finally {
      child.kill();
      await reader.cancel().catch(() => {});
      await child.status;
      await child.stderr.cancel().catch(() => {});
    }
  }
});
