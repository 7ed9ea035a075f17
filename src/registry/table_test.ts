import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import {
  loadPrinterColumns,
  parseIncludeObject,
  tableColumns,
  type TableKind,
  timestampAge,
  toTable,
} from "./table.ts";

const NOW = Date.parse("2024-01-03T00:00:00Z");
const core = (kind: string): TableKind => ({ group: "", kind });
const definitions = (kind: TableKind) =>
  tableColumns(kind).map((c) => [c.name, c.type, c.format, c.priority]);

function obj(kind: string, fields: Record<string, unknown> = {}, meta = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind,
    metadata: {
      name: "app",
      namespace: "default",
      uid: "u-1",
      resourceVersion: "41",
      creationTimestamp: "2024-01-02T23:55:00Z",
      labels: { tier: "web" },
      ...meta,
    },
    ...fields,
  };
}

// Printer columns need JSONPath, which loads on demand. This test must run before any
// loadPrinterColumns() in this module's isolate.
Deno.test("a kind with printer columns needs loadPrinterColumns() first; built-in kinds do not", async () => {
  const Widget: TableKind = {
    group: "widgets.example.com",
    kind: "Widget",
    printerColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
  };
  assert.throws(() => tableColumns(Widget), {
    message: "Cannot build the table columns of Widget.widgets.example.com: its printer " +
      "columns need JSONPath, which is not loaded (await loadPrinterColumns() first)",
  });
  assert.equal(toTable(core("ConfigMap"), [obj("ConfigMap")], { now: NOW }).rows.length, 1);
  await loadPrinterColumns();
  assert.deepEqual(tableColumns(Widget).map((c) => c.name), ["Name", "Size"]);
});

Deno.test("ConfigMap: Name, Data (count of data and binaryData, a number), Age", () => {
  const cm = obj("ConfigMap", { data: { a: "1", b: "2" }, binaryData: { c: "AA==" } });
  const table = toTable(core("ConfigMap"), [cm], { now: NOW });
  assert.deepEqual(definitions(core("ConfigMap")), [
    ["Name", "string", "name", 0],
    ["Data", "string", "", 0],
    ["Age", "string", "", 0],
  ]);
  assert.deepEqual(table.rows[0].cells, ["app", 3, "5m"]);
  assert.deepEqual(
    toTable(core("ConfigMap"), [obj("ConfigMap")], { now: NOW }).rows[0].cells,
    ["app", 0, "5m"],
  );
  // Every column has kube's description.
  for (const c of table.columnDefinitions ?? []) assert.ok(c.description.length > 20, c.name);
  assert.match(table.columnDefinitions![0].description, /^Name must be unique within a namespace/);
  assert.match(table.columnDefinitions![2].description, /^CreationTimestamp is a timestamp/);
});

Deno.test("Secret: Name, Type, Data (count of data), Age", () => {
  const secret = obj("Secret", {
    type: "kubernetes.io/tls",
    data: { "tls.crt": "", "tls.key": "" },
  });
  assert.deepEqual(definitions(core("Secret")), [
    ["Name", "string", "name", 0],
    ["Type", "string", "", 0],
    ["Data", "string", "", 0],
    ["Age", "string", "", 0],
  ]);
  assert.deepEqual(toTable(core("Secret"), [secret], { now: NOW }).rows[0].cells, [
    "app",
    "kubernetes.io/tls",
    2,
    "5m",
  ]);
  assert.deepEqual(
    toTable(core("Secret"), [obj("Secret")], { now: NOW }).rows[0].cells,
    ["app", "", 0, "5m"],
  );
});

Deno.test("Namespace: Name, Status (the phase), Age", () => {
  const ns = obj("Namespace", { status: { phase: "Terminating" } }, { namespace: undefined });
  assert.deepEqual(definitions(core("Namespace")), [
    ["Name", "string", "name", 0],
    ["Status", "string", "", 0],
    ["Age", "string", "", 0],
  ]);
  assert.deepEqual(toTable(core("Namespace"), [ns], { now: NOW }).rows[0].cells, [
    "app",
    "Terminating",
    "5m",
  ]);
  assert.deepEqual(
    toTable(core("Namespace"), [obj("Namespace")], { now: NOW }).rows[0].cells,
    ["app", "", "5m"],
  );
});

Deno.test("ServiceAccount: Name, Secrets (a count), Age", () => {
  const sa = obj("ServiceAccount", { secrets: [{ name: "a" }, { name: "b" }] });
  assert.deepEqual(definitions(core("ServiceAccount")), [
    ["Name", "string", "name", 0],
    ["Secrets", "string", "", 0],
    ["Age", "string", "", 0],
  ]);
  assert.deepEqual(toTable(core("ServiceAccount"), [sa], { now: NOW }).rows[0].cells, [
    "app",
    2,
    "5m",
  ]);
  assert.deepEqual(
    toTable(core("ServiceAccount"), [obj("ServiceAccount")], { now: NOW }).rows[0].cells,
    ["app", 0, "5m"],
  );
});

Deno.test("Event: kubectl's columns, the wide ones at priority 1, Count a number", () => {
  assert.deepEqual(definitions(core("Event")), [
    ["Last Seen", "string", "", 0],
    ["Type", "string", "", 0],
    ["Reason", "string", "", 0],
    ["Object", "string", "", 0],
    ["Subobject", "string", "", 1],
    ["Source", "string", "", 1],
    ["Message", "string", "", 0],
    ["First Seen", "string", "", 1],
    ["Count", "string", "", 1],
    ["Name", "string", "name", 1],
  ]);
  const classic = obj("Event", {
    involvedObject: { kind: "ConfigMap", name: "app", fieldPath: "data.a" },
    reason: "Synced",
    message: "  synced the app \n",
    type: "Normal",
    source: { component: "k1s", host: "node-1" },
    firstTimestamp: "2024-01-02T22:00:00Z",
    lastTimestamp: "2024-01-02T23:59:00Z",
    count: 4,
  }, { name: "app.17a" });
  assert.deepEqual(toTable(core("Event"), [classic], { now: NOW }).rows[0].cells, [
    "60s",
    "Normal",
    "Synced",
    "configmap/app",
    "data.a",
    "k1s, node-1",
    "synced the app",
    "120m",
    4,
    "app.17a",
  ]);

  // events.k8s.io style: eventTime, reportingComponent/Instance, no count (a singleton).
  const single = obj("Event", {
    involvedObject: { kind: "Namespace" },
    reason: "Created",
    type: "Warning",
    eventTime: "2024-01-02T23:00:00.000000Z",
    reportingComponent: "ctrl",
    reportingInstance: "ctrl-0",
  }, { name: "e2" });
  const cells = toTable(core("Event"), [single], { now: NOW }).rows[0].cells;
  assert.deepEqual(cells, [
    "60m",
    "Warning",
    "Created",
    "namespace",
    "",
    "ctrl, ctrl-0",
    "",
    "60m",
    1,
    "e2",
  ]);

  // A series: last seen and count come from it.
  const series = obj("Event", {
    eventTime: "2024-01-02T20:00:00Z",
    series: { count: 7, lastObservedTime: "2024-01-02T23:59:30Z" },
    source: { host: "node-2" },
  });
  const s = toTable(core("Event"), [series], { now: NOW }).rows[0].cells;
  assert.deepEqual([s[0], s[5], s[7], s[8]], ["30s", ", node-2", "4h", 7]);
});

const Item: TableKind = {
  group: "inventory.k1s.dev",
  kind: "Item",
  printerColumns: [
    { name: "Category", type: "string", jsonPath: ".spec.category" },
    { name: "Labels", type: "string", jsonPath: ".metadata.labels", description: "Labels." },
    { name: "Quantity", type: "integer", jsonPath: ".spec.quantity" },
    { name: "Price", type: "number", jsonPath: ".spec.price", priority: 1, format: "double" },
    { name: "On Sale", type: "boolean", jsonPath: ".spec.onSale", priority: 1 },
    { name: "Restocked", type: "date", jsonPath: ".status.restocked" },
  ],
};

function item(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "inventory.k1s.dev/v1",
    kind: "Item",
    metadata: { name: "widget", resourceVersion: "5", labels: { b: "2", a: "1" } },
    spec,
    status,
  };
}

Deno.test("printer columns: Name, then one column per printer column, typed by its type", async () => {
  await loadPrinterColumns();
  assert.deepEqual(tableColumns(Item).map(({ cell: _, ...def }) => def), [
    {
      name: "Name",
      type: "string",
      format: "name",
      description: tableColumns(Item)[0].description,
      priority: 0,
    },
    {
      name: "Category",
      type: "string",
      format: "",
      description: "Custom resource definition column (in JSONPath format): .spec.category",
      priority: 0,
    },
    { name: "Labels", type: "string", format: "", description: "Labels.", priority: 0 },
    {
      name: "Quantity",
      type: "integer",
      format: "",
      description: "Custom resource definition column (in JSONPath format): .spec.quantity",
      priority: 0,
    },
    {
      name: "Price",
      type: "number",
      format: "double",
      description: "Custom resource definition column (in JSONPath format): .spec.price",
      priority: 1,
    },
    {
      name: "On Sale",
      type: "boolean",
      format: "",
      description: "Custom resource definition column (in JSONPath format): .spec.onSale",
      priority: 1,
    },
    {
      name: "Restocked",
      type: "date",
      format: "",
      description: "Custom resource definition column (in JSONPath format): .status.restocked",
      priority: 0,
    },
  ]);

  const full = item(
    { category: "tools", quantity: 12, price: 2.5, onSale: true },
    { restocked: "2024-01-01T00:00:00Z" },
  );
  assert.deepEqual(toTable(Item, [full], { now: NOW }).rows[0].cells, [
    "widget",
    "tools",
    '{"a":"1","b":"2"}',
    12,
    2.5,
    true,
    "2d",
  ]);

  // Values of another type: strings print any value; the other types want their own.
  const odd = item(
    { category: 7, quantity: 2.9, price: 3, onSale: "yes" },
    { restocked: "yesterday" },
  );
  assert.deepEqual(toTable(Item, [odd], { now: NOW }).rows[0].cells, [
    "widget",
    "7",
    '{"a":"1","b":"2"}',
    2,
    3,
    null,
    "<invalid>",
  ]);
  const wrong = item({ category: ["a", "b"], quantity: "12", price: "2.5", onSale: 1 }, {
    restocked: 5,
  });
  assert.deepEqual(toTable(Item, [wrong], { now: NOW }).rows[0].cells, [
    "widget",
    '["a","b"]',
    '{"a":"1","b":"2"}',
    null,
    null,
    null,
    null,
  ]);

  // Missing and null values are null cells.
  const empty = item({ category: null });
  empty.metadata.labels = undefined;
  assert.deepEqual(toTable(Item, [empty], { now: NOW }).rows[0].cells, [
    "widget",
    null,
    null,
    null,
    null,
    null,
    null,
  ]);
});

Deno.test("printer columns: date cells parse RFC 3339 as kube does", async () => {
  await loadPrinterColumns();
  const Dated: TableKind = {
    group: "x.example.com",
    kind: "Dated",
    printerColumns: [{ name: "At", type: "date", jsonPath: ".spec.at" }],
  };
  const at = (v: unknown) => toTable(Dated, [item({ at: v })], { now: NOW }).rows[0].cells[1];
  assert.equal(at("2024-01-02T23:59:58Z"), "2s");
  assert.equal(at("2024-01-02T23:00:00.123456789Z"), "59m"); // 59m59.876s
  assert.equal(at("2024-01-03T01:00:00+02:00"), "60m");
  assert.equal(at("2024-01-02T18:30:00-05:00"), "30m");
  assert.equal(at("2024-01-03T00:00:10Z"), "<invalid>"); // in the future
  assert.equal(at(""), "<unknown>");
  assert.equal(at("0001-01-01T00:00:00Z"), "<unknown>");
  for (
    const bad of [
      "2024-01-02",
      "2024-02-30T00:00:00Z",
      "2024-01-02T24:00:00Z",
      "2024-01-02 10:00:00Z",
      "2024-01-02T10:00:00",
    ]
  ) {
    assert.equal(at(bad), "<invalid>", bad);
  }
  assert.match(String(at("2020-02-29T00:00:00Z")), /^3y\d+d$/); // a leap day
  assert.equal(at("2023-02-29T00:00:00Z"), "<invalid>");
});

Deno.test("printer columns: an unparsable JSONPath or one that fails gives null cells", async () => {
  await loadPrinterColumns();
  const Broken: TableKind = {
    group: "x.example.com",
    kind: "Broken",
    printerColumns: [
      { name: "Bad", type: "string", jsonPath: ".spec[" },
      { name: "Fails", type: "string", jsonPath: ".spec.list[5]" },
      { name: "First", type: "string", jsonPath: ".spec.list[0]" },
    ],
  };
  assert.deepEqual(
    toTable(Broken, [item({ list: ["x"] })], { now: NOW }).rows[0].cells,
    ["widget", null, null, "x"],
  );
});

Deno.test("kinds without a printer: user kinds get Name and Age, built-in groups Name and Created At", () => {
  const user = { group: "inventory.k1s.dev", kind: "Category", printerColumns: [] };
  assert.deepEqual(definitions(user), [["Name", "string", "name", 0], ["Age", "date", "", 0]]);
  const created = obj("Category", {}, { creationTimestamp: "2024-01-01T12:00:00Z" });
  assert.deepEqual(toTable(user, [created], { now: NOW }).rows[0].cells, ["app", "36h"]);
  const undated = obj("Category", {}, { creationTimestamp: undefined });
  assert.deepEqual(toTable(user, [undated], { now: NOW }).rows[0].cells, ["app", "<unknown>"]);

  const role = { group: "rbac.authorization.k8s.io", kind: "Role" };
  assert.deepEqual(definitions(role), [["Name", "string", "name", 0], [
    "Created At",
    "date",
    "",
    0,
  ]]);
  const fractional = obj("Role", {}, { creationTimestamp: "2024-01-01T12:00:00.5+01:00" });
  assert.deepEqual(toTable(role, [fractional], { now: NOW }).rows[0].cells, [
    "app",
    "2024-01-01T11:00:00Z",
  ]);
  assert.deepEqual(toTable(role, [undated], { now: NOW }).rows[0].cells, [
    "app",
    "0001-01-01T00:00:00Z",
  ]);
  assert.deepEqual(definitions(core("Pod")), definitions(role));
});

Deno.test("includeObject: Metadata (default) carries PartialObjectMetadata, Object the object, None null", () => {
  const cm = obj("ConfigMap", { data: { a: "1" } });
  const metadata = toTable(core("ConfigMap"), [cm], { now: NOW }).rows[0].object;
  assert.deepEqual(metadata, {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: cm.metadata,
  });
  assert.deepEqual(
    toTable(core("ConfigMap"), [cm], { now: NOW, includeObject: "Metadata" }).rows[0].object,
    metadata,
  );
  assert.equal(
    toTable(core("ConfigMap"), [cm], { now: NOW, includeObject: "Object" }).rows[0].object,
    cm,
  );
  const none = toTable(core("ConfigMap"), [cm], { now: NOW, includeObject: "None" });
  assert.equal(none.rows[0].object, null);
  assert.match(JSON.stringify(none), /"object":null/);

  // The initial-events-end bookmark goes out as metadata whatever was asked for.
  const bookmark = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { resourceVersion: "50", annotations: { "k8s.io/initial-events-end": "true" } },
  };
  const row = toTable(core("ConfigMap"), bookmark, { now: NOW, includeObject: "None" }).rows[0];
  assert.deepEqual(row.object, {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: bookmark.metadata,
  });
  assert.deepEqual(row.cells, ["", 0, "<unknown>"]);
});

Deno.test("parseIncludeObject: kube's values, and its 400 for others", () => {
  for (const v of [null, undefined, "", "Metadata"]) {
    assert.equal(parseIncludeObject(v), "Metadata");
  }
  assert.equal(parseIncludeObject("Object"), "Object");
  assert.equal(parseIncludeObject("None"), "None");
  for (const [value, shown] of [["metadata", '"metadata"'], ["<x>", '"\\u003cx\\u003e"']]) {
    assert.throws(() => parseIncludeObject(value), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 400);
      assert.equal(e.reason, "BadRequest");
      assert.equal(
        e.message,
        `Unable to convert to Table as requested: includeObject: Invalid value: ${shown}: ` +
          "must be 'Metadata', 'Object', 'None', or empty",
      );
      return true;
    });
  }
  assert.throws(
    () => toTable(core("ConfigMap"), [], { includeObject: "All" as "None" }),
    { message: 'unrecognized includeObject value: "All"' },
  );
});

Deno.test("list metadata and headers: lists take them from the options, one object its resourceVersion", () => {
  const a = obj("ConfigMap", {}, { name: "a", resourceVersion: "3" });
  const b = obj("ConfigMap", {}, { name: "b", resourceVersion: "9" });
  const list = { resourceVersion: "12", continue: "tok", remainingItemCount: 0 };
  const table = toTable(core("ConfigMap"), [a, b], { ...list, now: NOW });
  assert.deepEqual(table.metadata, list);
  assert.deepEqual(table.rows.map((r) => r.cells[0]), ["a", "b"]);
  assert.deepEqual(toTable(core("ConfigMap"), [a], { now: NOW }).metadata, {});
  assert.deepEqual(
    toTable(core("ConfigMap"), [], { resourceVersion: "12", continue: "" }),
    {
      kind: "Table",
      apiVersion: "meta.k8s.io/v1",
      metadata: { resourceVersion: "12" },
      columnDefinitions: toTable(core("ConfigMap"), []).columnDefinitions,
      rows: [],
    },
  );

  // One object: the Table's resourceVersion is the object's, unless given.
  assert.deepEqual(toTable(core("ConfigMap"), b, { now: NOW }).metadata, { resourceVersion: "9" });
  assert.deepEqual(toTable(core("ConfigMap"), b, { now: NOW, resourceVersion: "10" }).metadata, {
    resourceVersion: "10",
  });

  // noHeaders (watch events after the first): columnDefinitions is null, as kube writes it.
  const event = toTable(core("ConfigMap"), b, { now: NOW, noHeaders: true });
  assert.equal(event.columnDefinitions, null);
  assert.equal(
    JSON.stringify(event),
    '{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9"},' +
      '"columnDefinitions":null,"rows":[{"cells":["b",0,"5m"],"object":' +
      `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${
        JSON.stringify(b.metadata)
      }}}]}`,
  );
  assert.equal(
    JSON.stringify(toTable(core("ConfigMap"), b, { now: NOW }).columnDefinitions![1]),
    JSON.stringify({
      name: "Data",
      type: "string",
      format: "",
      description: tableColumns(core("ConfigMap"))[1].description,
      priority: 0,
    }),
  );
});

Deno.test("now defaults to the current time", () => {
  const fresh = obj("ConfigMap", {}, {
    creationTimestamp: new Date(Date.now() - 5_000).toISOString(),
  });
  const [, , age] = toTable(core("ConfigMap"), fresh).rows[0].cells;
  assert.match(String(age), /^[4-6]s$/);
});

Deno.test("Age: HumanDuration at its boundaries", () => {
  const S = 1000;
  const M = 60 * S;
  const H = 60 * M;
  const D = 24 * H;
  const Y = 365 * D;
  const cases: [number, string][] = [
    [-2 * S, "<invalid>"],
    [-1999, "0s"],
    [-1 * S, "0s"],
    [0, "0s"],
    [999, "0s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [2 * M + S, "2m1s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M, "10m"],
    [10 * M + 59 * S, "10m"],
    [3 * H - 1, "179m"],
    [3 * H, "3h"],
    [3 * H + 5 * M, "3h5m"],
    [8 * H - 1, "7h59m"],
    [8 * H, "8h"],
    [48 * H - 1, "47h"],
    [48 * H, "2d"],
    [2 * D + 3 * H, "2d3h"],
    [8 * D - 1, "7d23h"],
    [8 * D, "8d"],
    [2 * Y - 1, "729d"],
    [2 * Y, "2y"],
    [2 * Y + D, "2y1d"],
    [8 * Y - 1, "7y364d"],
    [8 * Y, "8y"],
    [20 * Y + 100 * D, "20y"],
  ];
  const created = Date.parse("2000-01-01T00:00:00Z");
  for (const [elapsed, want] of cases) {
    assert.equal(timestampAge("2000-01-01T00:00:00Z", created + elapsed), want, `${elapsed}ms`);
  }
  assert.equal(timestampAge(undefined, NOW), "<unknown>");
  assert.equal(timestampAge("", NOW), "<unknown>");
  assert.equal(timestampAge("not a time", NOW), "<unknown>");
  assert.equal(timestampAge("0001-01-01T00:00:00Z", NOW), "<unknown>");
});
