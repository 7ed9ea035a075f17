// `events` run in-process on a seeded SQLite store, with golden output in kubectl's layout.
import assert from "node:assert/strict";
import { k, seeded } from "./_fixture_test_helpers.ts";

Deno.test("events: kubectl's table, oldest first, with repeat counts", async () => {
  await using s = await seeded("events");
  assert.deepEqual(await k(s.store, ["events"]), {
    code: 0,
    out: "LAST SEEN          TYPE      REASON     OBJECT          MESSAGE\n" +
      "8m                 Normal    Checked    ConfigMap/app   ok\n" +
      "5m                 Warning   LowStock   Item/widget     stock low\n" +
      "5s (x3 over 10m)   Normal    Seen       ConfigMap/app   config loaded\n",
    err: "",
  });
  assert.equal(
    (await k(s.store, ["events", "-A", "--types", "Warning"])).out,
    "NAMESPACE   LAST SEEN   TYPE      REASON     OBJECT        MESSAGE\n" +
      "default     5m          Warning   LowStock   Item/widget   stock low\n",
  );
  assert.equal(
    (await k(s.store, ["events", "--for", "itm/widget", "--no-headers"])).out,
    "5m    Warning   LowStock   Item/widget   stock low\n",
  );
  assert.equal(
    (await k(s.store, ["events", "--for", "configmap/app", "--types=normal,Normal"])).out,
    "LAST SEEN          TYPE     REASON    OBJECT          MESSAGE\n" +
      "8m                 Normal   Checked   ConfigMap/app   ok\n" +
      "5s (x3 over 10m)   Normal   Seen      ConfigMap/app   config loaded\n",
  );
});

Deno.test("events -o formats print an EventList", async () => {
  await using s = await seeded("events");
  const r = await k(s.store, ["events", "-o", "json", "--for", "itm/widget"]);
  const list = JSON.parse(r.out);
  assert.equal(list.kind, "EventList");
  assert.deepEqual(list.items.map((e: { reason: string }) => e.reason), ["LowStock"]);
  // kubectl's name printer refuses the typed EventList and events ignores it: nothing printed.
  assert.deepEqual(await k(s.store, ["events", "-o", "name"]), { code: 0, out: "", err: "" });
  const yaml = await k(s.store, ["events", "-o", "yaml", "--types", "Warning"]);
  assert.match(yaml.out, /^apiVersion: v1\nitems:\n- apiVersion: v1\n/);
  assert.match(yaml.out, /\nkind: EventList\nmetadata: \{\}\n$/);
});

Deno.test("events -o json: Go's corev1.Event, as kubectl 1.32's typed client prints it", async () => {
  await using s = await seeded("events");
  const r = await k(s.store, ["events", "-o", "json", "--for", "itm/widget"]);
  // Field order of the Go types, `omitempty` fields left out, the others always there
  // (`eventTime: null`, `reportingComponent: ""`), as seen with kubectl 1.32 against k1s serve.
  assert.equal(
    r.out.replace(/"uid": "[^"]+"/, '"uid": "UID"'),
    `{
    "kind": "EventList",
    "apiVersion": "v1",
    "metadata": {},
    "items": [
        {
            "kind": "Event",
            "apiVersion": "v1",
            "metadata": {
                "name": "widget.1",
                "namespace": "default",
                "uid": "UID",
                "resourceVersion": "11",
                "creationTimestamp": "2024-01-01T00:00:00Z"
            },
            "involvedObject": {
                "kind": "Item",
                "namespace": "default",
                "name": "widget",
                "uid": "${(JSON.parse(r.out).items[0].involvedObject.uid)}",
                "apiVersion": "inventory.k1s.dev/v1alpha1"
            },
            "reason": "LowStock",
            "message": "stock low",
            "source": {
                "component": "stock"
            },
            "firstTimestamp": "2024-01-01T00:05:00Z",
            "lastTimestamp": "2024-01-01T00:05:00Z",
            "count": 1,
            "type": "Warning",
            "eventTime": null,
            "reportingComponent": "",
            "reportingInstance": ""
        }
    ]
}
`,
  );
  // Templates and JSONPath see the same typed EventList.
  assert.equal(
    (await k(s.store, ["events", "-o", "jsonpath={.kind} {.items[*].eventTime}"])).out,
    "EventList null null null",
  );
  // Tabs a template prints are aligned, as kubectl's events writes through its tab writer.
  assert.equal(
    (await k(s.store, [
      "events",
      "-o",
      'go-template={{range .items}}{{.metadata.name}}{{"\\t"}}{{.type}}{{"\\n"}}{{end}}',
    ])).out,
    "app.2      Normal\nwidget.1   Warning\napp.1      Normal\n",
  );
  // A template that fails to run: kubectl's events ignores the printer's error.
  const failed = await k(s.store, ["events", "-o", "jsonpath={.items[7]}"]);
  assert.deepEqual(failed, { code: 0, out: "", err: "" });
  // --template without -o is ignored (the table); with a template format it is the template.
  assert.match((await k(s.store, ["events", "--template={{.kind}}"])).out, /^LAST SEEN /);
  assert.equal(
    (await k(s.store, ["events", "-o", "go-template", "--template={{.kind}}"])).out,
    "EventList",
  );
});

Deno.test("events: empty results and bad flags as kubectl", async () => {
  await using s = await seeded("events");
  assert.deepEqual(await k(s.store, ["events", "-n", "other"]), {
    code: 0,
    out: "",
    err: "No events found in other namespace.\n",
  });
  assert.deepEqual(await k(s.store, ["events", "--for", "cm/quiet", "-A"]), {
    code: 0,
    out: "",
    err: "No events found.\n",
  });
  assert.deepEqual(await k(s.store, ["events", "--types", "Bogus"]), {
    code: 1,
    out: "",
    err: "error: valid --types are Normal or Warning\n",
  });
  assert.equal(
    (await k(s.store, ["events", "--for", "cm"])).err,
    "error: --for must be in resource/name form\n",
  );
  // kubectl prints its RESTMapper's error bare.
  assert.deepEqual(await k(s.store, ["events", "--for", "Frobs/x"]), {
    code: 1,
    out: "",
    err: 'the server doesn\'t have a resource type "frobs"\n',
  });
  assert.equal(
    (await k(s.store, ["events", "--for", "configmaps.v1.nope/x"])).err,
    'the server doesn\'t have a resource type "configmaps" in group "v1.nope"\n',
  );
  // Arguments are ignored, as kubectl's (cobra accepts them for a command without subcommands).
  assert.equal(
    (await k(s.store, ["events", "extra", "--for", "itm/widget", "--no-headers"])).out,
    "5m    Warning   LowStock   Item/widget   stock low\n",
  );
});

Deno.test("events: the -o formats kubectl's events accepts, checked in kubectl's order", async () => {
  await using s = await seeded("events");
  const refused = (format: string) =>
    `error: unable to match a printer suitable for the output format "${format}", allowed ` +
    "formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file," +
    "name,template,templatefile,yaml\n";
  for (const format of ["wide", "custom-columns=A:.a", "json=x", "table"]) {
    assert.deepEqual(await k(s.store, ["events", "-o", format]), {
      code: 1,
      out: "",
      err: refused(format),
    });
  }
  // --for first, then the printer, then --types (kubectl 1.32 offline says the same).
  assert.equal(
    (await k(s.store, ["events", "--for", "cm", "-o", "wide", "--types", "x"])).err,
    "error: --for must be in resource/name form\n",
  );
  assert.equal((await k(s.store, ["events", "-o", "wide", "--types", "x"])).err, refused("wide"));
  assert.equal(
    (await k(s.store, ["events", "-o", "template"])).err,
    "error: template format specified but no template given\n",
  );
});
