/**
 * Server-side printing: the `meta.k8s.io/v1` Table kube-apiserver answers when a client
 * (kubectl `get`) asks for `application/json;as=Table;v=v1;g=meta.k8s.io`, and the columns
 * `k1s get` prints.
 *
 * The columns of a kind are, as in kube-apiserver:
 * - a built-in kind with a printer (`pkg/printers/internalversion`): its columns, all of them
 *   (the API server prints "wide"; clients hide `priority > 0` columns without `-o wide`);
 * - a kind with printer columns (a CRD's `additionalPrinterColumns`): `Name`, then one column
 *   per printer column, its cell read by JSONPath and typed by the column's `type`
 *   (apiextensions-apiserver's table convertor);
 * - another kind of a built-in API group: `Name` and `Created At` (RFC 3339), the default
 *   table convertor;
 * - any other kind (a user kind, served like a custom resource): `Name` and `Age`, the column
 *   CRD defaulting adds when a CRD declares none.
 *
 * Cells are typed: counts are numbers (`Data` of a ConfigMap is `1`, not `"1"`), ages are
 * strings in `HumanDuration` form (`5m`, `3d4h`).
 *
 * Printer columns need the JSONPath engine, which loads only when asked for
 * ({@linkcode loadPrinterColumns}), so that printing built-in kinds does not load it.
 *
 * @example
 * ```ts
 * import { toTable } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const cm = {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "app", resourceVersion: "7", creationTimestamp: "2024-01-01T00:00:00Z" },
 *   data: { a: "1" },
 * };
 * const table = toTable({ group: "", kind: "ConfigMap" }, [cm], {
 *   resourceVersion: "9",
 *   now: Date.parse("2024-01-01T00:05:00Z"),
 * });
 * assert.deepEqual(table.columnDefinitions?.map((c) => c.name), ["Name", "Data", "Age"]);
 * assert.deepEqual(table.rows[0].cells, ["app", 1, "5m"]);
 * assert.equal(table.metadata.resourceVersion, "9");
 * ```
 *
 * @module
 */

import { KUBE_API_GROUPS } from "../apimachinery/gvk.ts";
import { humanDuration } from "../apimachinery/duration.ts";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeObject, ListMeta, ObjectMeta } from "../apimachinery/meta.ts";
import type { PrinterColumn } from "../scheme/kind.ts";

/**
 * One cell of a Table row: a string, a number (kube's int64 or float64), a boolean, or
 * `null` when a printer column finds no value (or one of another type).
 */
export type TableCell = string | number | boolean | null;

/** A column as a Table describes it (`metav1.TableColumnDefinition`). */
export interface TableColumnDefinition {
  /** Human-readable name, e.g. `Last Seen` (kubectl prints it upper-cased). */
  name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean` or `date` (and others kube allows). */
  type: string;
  /** OpenAPI format modifier; `name` marks the column holding the object name. */
  format: string;
  /** Human-readable description. */
  description: string;
  /** 0 for columns shown by default; higher values are shown only with `-o wide`. */
  priority: number;
}

/** A column: its definition and how to compute its cell for an object. */
export interface TableColumn extends TableColumnDefinition {
  /**
   * The typed cell of `obj`; `now` (milliseconds since the epoch) is the time ages are
   * measured from.
   */
  cell(obj: KubeObject, now: number): TableCell;
}

/** What the columns of a kind depend on (a {@linkcode Kind} fits). */
export interface TableKind {
  /** API group; "" for the core group. */
  readonly group: string;
  /** Kind name, e.g. `ConfigMap`. */
  readonly kind: string;
  /** A user kind's printer columns, as in a CRD's additionalPrinterColumns. */
  readonly printerColumns?: readonly PrinterColumn[];
}

/**
 * Which part of each object a Table row carries (`includeObject`): `Metadata` (the default)
 * a PartialObjectMetadata, `Object` the whole object, `None` nothing.
 */
export type IncludeObjectPolicy = "None" | "Metadata" | "Object";

/** The meta.k8s.io versions a Table (and PartialObjectMetadata) is served in. */
export type TableApiVersion = "meta.k8s.io/v1" | "meta.k8s.io/v1beta1";

/** An object reduced to its metadata (`meta.k8s.io/v1` PartialObjectMetadata). */
export interface PartialObjectMetadata {
  /** Always `PartialObjectMetadata`. */
  kind: "PartialObjectMetadata";
  /** `meta.k8s.io/v1` (or v1beta1, as the client asked). */
  apiVersion: TableApiVersion;
  /** The object's full metadata. */
  metadata: ObjectMeta;
}

/** One row of a Table: one object. */
export interface TableRow {
  /** One cell per column, in the order of the columns. */
  cells: TableCell[];
  /**
   * The object as `includeObject` asks: its metadata (default), itself, or `null` for `None`
   * (kube writes `"object":null` then).
   */
  object: KubeObject | PartialObjectMetadata | null;
}

/** A `meta.k8s.io/v1` Table. */
export interface Table {
  /** Always `Table`. */
  kind: "Table";
  /** `meta.k8s.io/v1` (or v1beta1, as the client asked; the fields are the same). */
  apiVersion: TableApiVersion;
  /** The list's resourceVersion, continue token and remaining item count. */
  metadata: ListMeta;
  /**
   * The columns; `null` when headers were not asked for (`noHeaders`, every watch event but
   * the first), as kube writes it.
   */
  columnDefinitions: TableColumnDefinition[] | null;
  /** One row per object. */
  rows: TableRow[];
}

/**
 * Options of {@linkcode toTable}. The list metadata fields are copied to the Table, so a
 * list's metadata can be spread in: `{ ...list.metadata, includeObject }`.
 */
export interface ToTableOptions extends ListMeta {
  /** What each row carries of its object; default `Metadata`. */
  includeObject?: IncludeObjectPolicy;
  /** Leave out the column definitions (`columnDefinitions: null`). */
  noHeaders?: boolean;
  /** The time ages are measured from, in milliseconds since the epoch; default `Date.now()`. */
  now?: number;
}

// Descriptions kube gives its columns (the API types' swagger docs).
const DESCRIBE = {
  name:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  creationTimestamp:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  configMapData:
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  secretType:
    "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
  secretData:
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  namespaceStatus: "The status of the namespace",
  serviceAccountSecrets:
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  eventLastTimestamp: "The time at which the most recent occurrence of this event was recorded.",
  eventType: "Type of this event (Normal, Warning), new types could be added in the future",
  eventReason:
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  eventInvolvedObject: "The object that this event is about.",
  eventFieldPath:
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  eventSource:
    "The component reporting this event. Should be a short machine understandable string.",
  eventMessage: "A human-readable description of the status of this operation.",
  eventFirstTimestamp:
    "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
  eventCount: "The number of times this event has occurred.",
};

/** kube's zero time (0001-01-01T00:00:00Z), which it prints as `<unknown>`. */
const ZERO_TIME = -62135596800000;

/**
 * How long ago `timestamp` was, as kube's printers write the `Age` column
 * (`duration.HumanDuration`: `5s`, `3m20s`, `2d3h`). A missing, unparsable or zero
 * timestamp is `<unknown>`; one more than a second in the future is `<invalid>`.
 *
 * @example
 * ```ts
 * import { timestampAge } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const now = Date.parse("2024-01-01T01:00:00Z");
 * assert.equal(timestampAge("2024-01-01T00:56:40Z", now), "3m20s");
 * assert.equal(timestampAge(undefined, now), "<unknown>");
 * ```
 */
export function timestampAge(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t) || t === ZERO_TIME) return "<unknown>";
  return humanDuration(now - t);
}

const text = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
const timestamp = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const count = (v: unknown): number => (v && typeof v === "object" ? Object.keys(v).length : 0);

function column(
  name: string,
  description: string,
  cell: TableColumn["cell"],
  priority = 0,
): TableColumn {
  return { name, type: "string", format: "", description, priority, cell };
}

const nameColumn: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description: DESCRIBE.name,
  priority: 0,
  cell: (o) => o.metadata?.name ?? "",
};

/** The `Age` column of kube's printers: a string column. */
const ageColumn = column(
  "Age",
  DESCRIBE.creationTimestamp,
  (o, now) => timestampAge(o.metadata?.creationTimestamp, now),
);

/** The `Created At` column of kube's default table convertor (kinds without a printer). */
const createdAtColumn: TableColumn = {
  name: "Created At",
  type: "date",
  format: "",
  description: DESCRIBE.creationTimestamp,
  priority: 0,
  cell(o) {
    const ts = o.metadata?.creationTimestamp;
    const t = ts ? Date.parse(ts) : NaN;
    return formatRfc3339(Number.isNaN(t) ? ZERO_TIME : t);
  },
};

/**
 * The `Age` column CRD defaulting adds to a custom resource without printer columns (a
 * `date` column over `.metadata.creationTimestamp`), read without JSONPath. A missing
 * timestamp is `<unknown>`, as an empty one is for kube.
 */
const crdAgeColumn: TableColumn = {
  name: "Age",
  type: "date",
  format: "",
  description: DESCRIBE.creationTimestamp,
  priority: 0,
  cell: (o, now) => dateCell(o.metadata?.creationTimestamp ?? "", now),
};

interface EventTimes {
  first: string;
  last: string;
  count: number;
}

function eventTimes(o: KubeObject, now: number): EventTimes {
  const first = o.firstTimestamp
    ? timestampAge(timestamp(o.firstTimestamp), now)
    : timestampAge(timestamp(o.eventTime), now);
  let last = o.lastTimestamp ? timestampAge(timestamp(o.lastTimestamp), now) : first;
  const series = o.series as { count?: number; lastObservedTime?: string } | undefined;
  let n = typeof o.count === "number" ? o.count : 0;
  if (series) {
    last = timestampAge(timestamp(series.lastObservedTime), now);
    n = series.count ?? 0;
  } else if (n === 0) {
    // Singleton events of the events.k8s.io API have no count.
    n = 1;
  }
  return { first, last, count: n };
}

type Ref = { kind?: string; name?: string; fieldPath?: string };

/** Columns are shared by every Table of their kind: frozen, so no caller can change them. */
const frozen = (columns: TableColumn[]): readonly TableColumn[] =>
  Object.freeze(columns.map((c) => Object.freeze(c)));

/** Printers of the built-in kinds, by group and kind (kube's `printers.go`). */
const BUILTIN = new Map<string, readonly TableColumn[]>([
  [
    "/ConfigMap",
    frozen([
      nameColumn,
      column("Data", DESCRIBE.configMapData, (o) => count(o.data) + count(o.binaryData)),
      ageColumn,
    ]),
  ],
  [
    "/Secret",
    frozen([
      nameColumn,
      column("Type", DESCRIBE.secretType, (o) => text(o.type)),
      column("Data", DESCRIBE.secretData, (o) => count(o.data)),
      ageColumn,
    ]),
  ],
  [
    "/Namespace",
    frozen([
      nameColumn,
      column(
        "Status",
        DESCRIBE.namespaceStatus,
        (o) => text((o.status as { phase?: unknown } | undefined)?.phase),
      ),
      ageColumn,
    ]),
  ],
  [
    "/ServiceAccount",
    frozen([
      nameColumn,
      column(
        "Secrets",
        DESCRIBE.serviceAccountSecrets,
        (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0),
      ),
      ageColumn,
    ]),
  ],
  [
    "/Event",
    frozen([
      column("Last Seen", DESCRIBE.eventLastTimestamp, (o, now) => eventTimes(o, now).last),
      column("Type", DESCRIBE.eventType, (o) => text(o.type)),
      column("Reason", DESCRIBE.eventReason, (o) => text(o.reason)),
      column("Object", DESCRIBE.eventInvolvedObject, (o) => {
        const ref = (o.involvedObject ?? {}) as Ref;
        const kind = text(ref.kind).toLowerCase();
        return ref.name ? `${kind}/${ref.name}` : kind;
      }),
      column(
        "Subobject",
        DESCRIBE.eventFieldPath,
        (o) => text((o.involvedObject as Ref | undefined)?.fieldPath),
        1,
      ),
      column("Source", DESCRIBE.eventSource, (o) => {
        const src = (o.source ?? {}) as { component?: string; host?: string };
        const component = src.component || text(o.reportingComponent);
        const instance = src.host || text(o.reportingInstance);
        return instance ? `${component}, ${instance}` : component;
      }, 1),
      column("Message", DESCRIBE.eventMessage, (o) => text(o.message).trim()),
      column("First Seen", DESCRIBE.eventFirstTimestamp, (o, now) => eventTimes(o, now).first, 1),
      column("Count", DESCRIBE.eventCount, (o, now) => eventTimes(o, now).count, 1),
      { ...nameColumn, priority: 1 },
    ]),
  ],
  [
    "coordination.k8s.io/Lease",
    frozen([
      nameColumn,
      column(
        "Holder",
        "holderIdentity contains the identity of the holder of a current lease. If Coordinated " +
          "Leader Election is used, the holder identity must be equal to the elected " +
          "LeaseCandidate.metadata.name field.",
        (o) => text((o.spec as { holderIdentity?: unknown } | undefined)?.holderIdentity),
      ),
      ageColumn,
    ]),
  ],
]);

const DEFAULT_BUILTIN = frozen([nameColumn, createdAtColumn]);
const DEFAULT_CUSTOM = frozen([nameColumn, crdAgeColumn]);

type JsonPathModule = typeof import("../apimachinery/jsonpath.ts");
let jsonPath: JsonPathModule | undefined;
const compiled = new WeakMap<readonly PrinterColumn[], readonly TableColumn[]>();

/**
 * Loads the JSONPath engine that printer columns need. Await it once before building the
 * columns ({@linkcode tableColumns}) or a Table ({@linkcode toTable}) of a kind with printer
 * columns; built-in kinds do not need it. Later calls return at once.
 *
 * @example
 * ```ts
 * import { loadPrinterColumns, tableColumns } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * await loadPrinterColumns();
 * const Item = {
 *   group: "inventory.k1s.dev",
 *   kind: "Item",
 *   printerColumns: [{ name: "Quantity", type: "integer" as const, jsonPath: ".spec.quantity" }],
 * };
 * assert.deepEqual(tableColumns(Item).map((c) => c.name), ["Name", "Quantity"]);
 * ```
 */
export async function loadPrinterColumns(): Promise<void> {
  jsonPath ??= await import("../apimachinery/jsonpath.ts");
}

/**
 * The columns of a kind, in order, including those only `-o wide` shows (see the module
 * documentation for which columns a kind gets). Throws when the kind has printer columns and
 * {@linkcode loadPrinterColumns} has not completed.
 *
 * @example
 * ```ts
 * import { tableColumns } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const cols = tableColumns({ group: "", kind: "Secret" });
 * assert.deepEqual(cols.map((c) => c.name), ["Name", "Type", "Data", "Age"]);
 * const secret = {
 *   apiVersion: "v1",
 *   kind: "Secret",
 *   metadata: { name: "tls" },
 *   type: "kubernetes.io/tls",
 *   data: { a: "", b: "" },
 * };
 * assert.equal(cols[2].cell(secret, Date.now()), 2);
 * ```
 */
export function tableColumns(kind: TableKind): readonly TableColumn[] {
  const builtin = BUILTIN.get(`${kind.group}/${kind.kind}`);
  if (builtin) return builtin;
  const printerColumns = kind.printerColumns ?? [];
  if (printerColumns.length === 0) {
    return KUBE_API_GROUPS.has(kind.group) ? DEFAULT_BUILTIN : DEFAULT_CUSTOM;
  }
  let columns = compiled.get(printerColumns);
  if (!columns) {
    const jp = jsonPath;
    if (!jp) {
      const qualified = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
      throw new Error(
        `Cannot build the table columns of ${qualified}: its printer columns need JSONPath, ` +
          "which is not loaded (await loadPrinterColumns() first)",
      );
    }
    columns = frozen([nameColumn, ...printerColumns.map((c) => printerColumn(jp, c))]);
    compiled.set(printerColumns, columns);
  }
  return columns;
}

/** A column from a CRD-style printer column, typed as apiextensions-apiserver types it. */
function printerColumn(jp: JsonPathModule, col: PrinterColumn): TableColumn {
  let path: ReturnType<JsonPathModule["parseJsonPath"]> | undefined;
  try {
    path = jp.parseJsonPath(`{${col.jsonPath}}`);
  } catch {
    // CRD validation refuses such paths; a user kind's column stays empty.
    path = undefined;
  }
  return {
    name: col.name,
    type: col.type,
    format: col.format ?? "",
    description: col.description ||
      `Custom resource definition column (in JSONPath format): ${col.jsonPath}`,
    priority: col.priority ?? 0,
    cell(obj, now) {
      if (!path) return null;
      let value: unknown;
      try {
        const results = path.results(obj);
        if (results.length === 0 || results[0].length === 0) return null;
        value = results[0][0];
      } catch {
        return null;
      }
      if (value === null || value === undefined) return null;
      switch (col.type) {
        case "string":
          return jp.printJsonPathResults([value]);
        case "integer":
          return typeof value === "number" ? Math.trunc(value) : null;
        case "number":
          return typeof value === "number" ? value : null;
        case "boolean":
          return typeof value === "boolean" ? value : null;
        case "date":
          return typeof value === "string" ? dateCell(value, now) : null;
      }
      return null;
    },
  };
}

/**
 * A `date` cell of a custom resource: the age of an RFC 3339 timestamp, `<invalid>` for
 * another string, `<unknown>` for an empty or zero one (kube parses it as a query parameter).
 */
function dateCell(value: string, now: number): string {
  if (value === "" || value === "null") return "<unknown>";
  const t = parseRfc3339(value);
  if (t === undefined) return "<invalid>";
  if (t === ZERO_TIME) return "<unknown>";
  return humanDuration(now - t);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses a timestamp as Go's `time.Parse(time.RFC3339, …)` accepts it; undefined if it does not. */
function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  const daysInMonth = date.getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number((m[7] ?? "").slice(0, 3).padEnd(3, "0")));
  return date.getTime() - offset;
}

/** `time.RFC3339` formatting in UTC, whole seconds. */
function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Go's `json.Marshal` of a string (for messages that quote a value as kube does). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Reads the `includeObject` query parameter of a Table request, as kube-apiserver validates
 * it: absent or empty means `Metadata`. Any other value than `None`, `Metadata` or `Object`
 * throws a 400 BadRequest {@linkcode ApiError} with kube's message.
 *
 * @example
 * ```ts
 * import { parseIncludeObject } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseIncludeObject(null), "Metadata");
 * assert.equal(parseIncludeObject("None"), "None");
 * assert.throws(() => parseIncludeObject("All"), {
 *   message: "Unable to convert to Table as requested: includeObject: Invalid value: " +
 *     `"All": must be 'Metadata', 'Object', 'None', or empty`,
 * });
 * ```
 */
export function parseIncludeObject(value: string | null | undefined): IncludeObjectPolicy {
  switch (value ?? "") {
    case "":
    case "Metadata":
      return "Metadata";
    case "None":
      return "None";
    case "Object":
      return "Object";
  }
  throw ApiError.badRequest(
    `Unable to convert to Table as requested: includeObject: Invalid value: ${
      goJsonString(value ?? "")
    }: must be 'Metadata', 'Object', 'None', or empty`,
  );
}

const INITIAL_EVENTS_END = "k8s.io/initial-events-end";

function rowObject(
  obj: KubeObject,
  include: IncludeObjectPolicy,
): KubeObject | PartialObjectMetadata | null {
  if (include === "Object") return obj;
  // kube sends the initial-events-end bookmark as metadata whatever was asked for.
  if (include === "Metadata" || obj.metadata?.annotations?.[INITIAL_EVENTS_END] === "true") {
    return {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: obj.metadata ?? {},
    };
  }
  return null;
}

const isList = (x: KubeObject | readonly KubeObject[]): x is readonly KubeObject[] =>
  Array.isArray(x);

/**
 * Converts objects of one kind to a Table, as kube-apiserver's table convertors do.
 *
 * - A list (an array): one row per object; the Table's `metadata` is `resourceVersion`,
 *   `continue` and `remainingItemCount` from the options (spread the list's metadata in).
 * - One object (GET of a name, or a watch event's object): one row; the Table's
 *   resourceVersion is the object's unless the options give one.
 * - `noHeaders` leaves out the column definitions: a Table watch sends them only with its
 *   first event.
 *
 * Row objects follow `includeObject` (default `Metadata`). Throws when the kind has printer
 * columns and {@linkcode loadPrinterColumns} has not completed, and a 400 BadRequest
 * {@linkcode ApiError} for an `includeObject` that is none of the three.
 *
 * @example
 * ```ts
 * import { toTable } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const ns = {
 *   apiVersion: "v1",
 *   kind: "Namespace",
 *   metadata: { name: "dev", resourceVersion: "12", creationTimestamp: "2024-01-01T00:00:00Z" },
 *   status: { phase: "Active" },
 * };
 * const event = toTable({ group: "", kind: "Namespace" }, ns, {
 *   includeObject: "None",
 *   noHeaders: true,
 *   now: Date.parse("2024-01-03T00:00:00Z"),
 * });
 * assert.deepEqual(event, {
 *   kind: "Table",
 *   apiVersion: "meta.k8s.io/v1",
 *   metadata: { resourceVersion: "12" },
 *   columnDefinitions: null,
 *   rows: [{ cells: ["dev", "Active", "2d"], object: null }],
 * });
 * ```
 */
export function toTable(
  kind: TableKind,
  objects: KubeObject | readonly KubeObject[],
  options: ToTableOptions = {},
): Table {
  const include = options.includeObject ?? "Metadata";
  if (include !== "Metadata" && include !== "Object" && include !== "None") {
    throw ApiError.badRequest(
      `unrecognized includeObject value: ${JSON.stringify(String(include))}`,
    );
  }
  const columns = tableColumns(kind);
  const now = options.now ?? Date.now();
  const items = isList(objects) ? objects : [objects];

  const metadata: ListMeta = {};
  const resourceVersion = options.resourceVersion ??
    (isList(objects) ? undefined : objects.metadata?.resourceVersion);
  if (resourceVersion) metadata.resourceVersion = resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount != null) {
    metadata.remainingItemCount = options.remainingItemCount;
  }

  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata,
    columnDefinitions: options.noHeaders ? null : columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format,
      description: c.description,
      priority: c.priority,
    })),
    rows: items.map((obj) => ({
      cells: columns.map((c) => c.cell(obj, now)),
      object: rowObject(obj, include),
    })),
  };
}
