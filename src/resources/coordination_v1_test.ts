import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/errors.ts";
import { createRuntime } from "../runtime.ts";
import { tableColumns } from "../registry/table.ts";
import { Lease, microTime, parseMicroTime } from "./coordination_v1.ts";

const ns = { namespace: "default" };

async function invalid(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError, `expected an ApiError, got ${err}`);
  return err.message;
}

Deno.test("a lease round-trips with MicroTimes written in UTC with six digits", async () => {
  await using rt = await createRuntime();
  const created = await rt.client.create(Lease, {
    metadata: { name: "lock", namespace: "default" },
    spec: {
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      acquireTime: "2026-01-02T16:04:05.000001+01:00",
      renewTime: "2026-01-02T15:04:05.123456Z",
      leaseTransitions: 0,
    },
  });
  assert.equal(created.apiVersion, "coordination.k8s.io/v1");
  assert.equal(created.spec?.acquireTime, "2026-01-02T15:04:05.000001Z");
  assert.equal(created.spec?.renewTime, "2026-01-02T15:04:05.123456Z");
  const list = await rt.client.list(Lease, ns);
  assert.deepEqual(list.items.map((l) => l.spec?.holderIdentity), ["a"]);
});

Deno.test("lease validation gives kube's messages and paths", async () => {
  await using rt = await createRuntime();
  const msg = await invalid(rt.client.create(Lease, {
    metadata: { name: "bad", namespace: "default" },
    spec: { leaseDurationSeconds: 0, leaseTransitions: -1, strategy: "Nope", preferredHolder: "b" },
  }));
  assert.equal(
    msg,
    'Lease.coordination.k8s.io "bad" is invalid: [' +
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0, " +
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0, " +
      'spec.strategy.strategy: Unsupported value: "Nope": supported values: "OldestEmulationVersion"]',
  );
  const forbidden = await invalid(rt.client.create(Lease, {
    metadata: { name: "bad", namespace: "default" },
    spec: { preferredHolder: "b" },
  }));
  assert.match(
    forbidden,
    /spec\.preferredHolder: Forbidden: may only be specified if `strategy` is defined/,
  );
  const qualified = await invalid(rt.client.create(Lease, {
    metadata: { name: "bad", namespace: "default" },
    spec: { strategy: "example.com/" },
  }));
  assert.match(qualified, /spec\.strategy\.strategy: Invalid value: "example.com\/": name part/);
  await rt.client.create(Lease, {
    metadata: { name: "ok", namespace: "default" },
    spec: { strategy: "OldestEmulationVersion", preferredHolder: "b" },
  });
});

Deno.test("a MicroTime without six fractional digits is refused as Go refuses it", async () => {
  await using rt = await createRuntime();
  const msg = await invalid(rt.client.create(Lease, {
    metadata: { name: "t", namespace: "default" },
    spec: { renewTime: "2026-01-02T15:04:05Z" },
  }));
  assert.match(
    msg,
    /parsing time "2026-01-02T15:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"/,
  );
  assert.equal(parseMicroTime("2026-02-30T00:00:00.000000Z").ok, false);
  assert.equal(parseMicroTime("2026-01-02T15:04:05.1234567Z").ok, false);
  const t = parseMicroTime("1969-12-31T23:59:59.500000Z");
  assert.ok(t.ok);
  assert.equal(t.text, "1969-12-31T23:59:59.500000Z");
  assert.equal(microTime(t.ms), "1969-12-31T23:59:59.500000Z");
});

Deno.test("leases print NAME HOLDER AGE", async () => {
  const { loadPrinterColumns } = await import("../registry/table.ts");
  await loadPrinterColumns();
  const cols = tableColumns(Lease);
  assert.deepEqual(cols.map((c) => c.name), ["Name", "Holder", "Age"]);
  const now = Date.parse("2026-01-01T00:05:00Z");
  const lease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "lock", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { holderIdentity: "a" },
  };
  assert.deepEqual(cols.map((c) => c.cell(lease, now)), ["lock", "a", "5m"]);
});
