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
  const names = await k(s.store, ["events", "-o", "name"]);
  assert.equal(names.out, "event/app.2\nevent/widget.1\nevent/app.1\n");
  const yaml = await k(s.store, ["events", "-o", "yaml", "--types", "Warning"]);
  assert.match(yaml.out, /^apiVersion: v1\nitems:\n- apiVersion: v1\n/);
  assert.match(yaml.out, /\nkind: EventList\nmetadata: \{\}\n$/);
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
  assert.equal(
    (await k(s.store, ["events", "--for", "frobs/x"])).err,
    'error: the server doesn\'t have a resource type "frobs"\n',
  );
});
