/**
 * The REST verbs over HTTP: Kubernetes' URL grammar mapped onto the
 * registry. Every semantic decision (validation, preconditions, selectors,
 * paging, dry-run, finalizers) is the registry's; this module only decodes
 * requests (paths, query parameters, bodies by media type) and encodes
 * answers (objects, lists, Tables, Status errors, watch streams).
 *
 * @module
 */
import { ApiError, field } from "../apimachinery/errors.ts";
import type { KubeObject, PropagationPolicy } from "../apimachinery/meta.ts";
import type { Registry } from "../registry/registry.ts";
import type {
  DeleteOptions,
  FieldValidation,
  PatchType,
  Preconditions,
  ResourceVersionMatch,
  Subresource,
  WatchOptions,
} from "../registry/options.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import {
  errorResponse,
  jsonResponse,
  MAX_REQUEST_BYTES,
  mediaTypeOf,
  negotiateOutput,
  notFoundPath,
  Query,
  readBody,
  Warnings,
} from "./http.ts";
import { loadPrinterColumns } from "../registry/table.ts";
import { tableForList, tableForObject, type TableRequest, tableRequest } from "./tables.ts";
import { watchResponse } from "./watch_stream.ts";

/** A request path in the resource grammar (`/api/v1/...`, `/apis/G/V/...`). */
export interface ResourcePath {
  /** API group; "" for the core group. */
  group: string;
  /** API version. */
  version: string;
  /** The namespace segment, when the path has one. */
  namespace?: string;
  /** The resource (plural). */
  resource: string;
  /** The object's name, for item paths. */
  name?: string;
  /** The subresource, e.g. `status`. */
  subresource?: string;
}

/** Subresources of namespaces that follow `/namespaces/{name}/` (kube's namespaceSubresources). */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/**
 * Parses a resource path as kube-apiserver's RequestInfoFactory does;
 * undefined for paths outside the grammar (discovery, unknown prefixes).
 *
 * @example
 * ```ts
 * import { parseResourcePath } from "./rest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseResourcePath("/api/v1/namespaces/default/configmaps/app"), {
 *   group: "", version: "v1", namespace: "default", resource: "configmaps", name: "app",
 *   subresource: undefined,
 * });
 * assert.equal(parseResourcePath("/api/v1/namespaces/dev")?.name, "dev");
 * ```
 */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const raw = pathname.split("/").filter((s, i) => i > 0 || s !== "");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  let parts = raw;
  if (pathname.includes("%")) {
    try {
      parts = raw.map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest.some((s) => s === "")) return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const [resource, name, subresource] = rest;
  if (resource === "namespaces" && namespace !== undefined && rest.length >= 2) {
    return { group, version, resource, name, subresource };
  }
  return { group, version, namespace, resource, name, subresource };
}

/** What the resource handler needs. */
export interface RestContext {
  /** The API semantics. */
  registry: Registry;
  /** The served kinds. */
  scheme: Scheme;
  /** Largest request body accepted (kube's 3 MiB by default). */
  maxRequestBytes?: number;
  /** Ends every watch when aborted (server shutdown). */
  signal?: AbortSignal;
  /** Bytes a watcher may lag behind before its watch is ended (default 16 MiB). */
  watchLagBytes?: number;
}

const PATCH_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
};
// Server-side apply (application/apply-patch+yaml) is not served yet: kubectl then says so.
const PATCH_MEDIA = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];
/** The media types of create and update bodies. */
export const BODY_MEDIA: readonly string[] = [
  "application/json",
  "application/yaml",
  "application/vnd.kubernetes.protobuf",
];

/** kube's 415 for a body in a media type the endpoint does not read. */
export function unsupportedMedia(accepted: readonly string[]): ApiError {
  return ApiError.of(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${
      accepted.join(", ")
    }`,
  );
}

/**
 * Serves one request on a resource path: looks the resource up, maps the
 * method to a verb and answers with the registry's result or error.
 */
export async function handleResource(
  ctx: RestContext,
  req: Request,
  path: ResourcePath,
  url: URL,
): Promise<Response> {
  const warnings = new Warnings();
  try {
    return await serveVerb(ctx, req, path, url, warnings);
  } catch (err) {
    return errorResponse(err, warnings.headers());
  }
}

function lookup(scheme: Scheme, path: ResourcePath): Kind {
  const kind = scheme.forResource(path.group, path.resource, path.version);
  if (!kind) throw notFoundPath();
  return kind;
}

async function serveVerb(
  ctx: RestContext,
  req: Request,
  path: ResourcePath,
  url: URL,
  warnings: Warnings,
): Promise<Response> {
  const kind = lookup(ctx.scheme, path);
  // Every request to a deprecated version says so (writes add it again; warnings are deduplicated).
  if (kind.deprecationWarning) warnings.add(kind.deprecationWarning);
  const query = new Query(url.searchParams);
  const namespaced = kind.scope === "Namespaced";
  if (!namespaced && path.namespace !== undefined) throw notFoundPath();
  const namespace = namespaced ? path.namespace : undefined;
  const sub = path.subresource;
  if (sub !== undefined) {
    const served = (sub === "status" && kind.statusSubresource) ||
      (sub === "scale" && kind.scale !== undefined) ||
      (sub === "finalize" && kind.kind === "Namespace" && kind.group === "");
    if (!served) throw notFoundPath();
  }
  if (path.name === undefined && namespaced && namespace === undefined && req.method !== "GET") {
    // Only list and watch exist across all namespaces.
    throw ApiError.methodNotAllowed();
  }
  const output = negotiateOutput(req.headers.get("accept"));
  const table: TableRequest | undefined = req.method === "GET" && output.table
    ? tableRequest(query.string("includeObject"), output.version)
    : undefined;
  // Printer columns evaluate JSONPath, which loads on the first Table.
  if (table && kind.printerColumns.length > 0) await loadPrinterColumns();
  const reg = ctx.registry;
  const method = req.method;

  if (path.name === undefined) {
    switch (method) {
      case "GET": {
        if (query.bool("watch")) return startWatch(ctx, kind, namespace, query, table);
        const list = await reg.list(kind, {
          namespace,
          labelSelector: query.string("labelSelector"),
          fieldSelector: query.string("fieldSelector"),
          limit: query.int("limit"),
          continue: query.string("continue"),
          resourceVersion: query.string("resourceVersion"),
          resourceVersionMatch: match(query),
        });
        return jsonResponse(
          table ? tableForList(kind, list, table) : list,
          200,
          warnings.headers(),
        );
      }
      case "POST": {
        const input = await decodeInput(req, kind, ctx.maxRequestBytes);
        const write = writeOptions(query, "CreateOptions", warnings);
        const obj = await reg.create(kind, input, { namespace, ...write });
        return jsonResponse(obj, 201, warnings.headers());
      }
      case "DELETE": {
        const options = await deleteOptions(req, query, ctx.maxRequestBytes);
        const list = await reg.deleteCollection(kind, {
          ...options,
          namespace,
          labelSelector: query.string("labelSelector"),
          fieldSelector: query.string("fieldSelector"),
          onWarning: warnings.add,
        });
        return jsonResponse(list, 200, warnings.headers());
      }
      default:
        throw ApiError.methodNotAllowed();
    }
  }

  const name = path.name;
  if (namespaced && namespace === undefined) throw notFoundPath();
  switch (method) {
    case "GET": {
      if (sub === "finalize") throw ApiError.methodNotAllowed();
      if (sub === "scale") {
        return jsonResponse(
          await reg.getScale(kind, name, {
            namespace,
            resourceVersion: query.string("resourceVersion"),
          }),
          200,
          warnings.headers(),
        );
      }
      const obj = await reg.get(kind, name, {
        namespace,
        resourceVersion: query.string("resourceVersion"),
      });
      return jsonResponse(table ? tableForObject(kind, obj, table) : obj, 200, warnings.headers());
    }
    case "PUT": {
      const input = await decodeInput(req, kind, ctx.maxRequestBytes);
      const write = writeOptions(query, "UpdateOptions", warnings);
      const obj = await reg.update(kind, input, {
        namespace,
        name,
        subresource: sub as Subresource | undefined,
        ...write,
      });
      return jsonResponse(obj, 200, warnings.headers());
    }
    case "PATCH": {
      if (sub === "finalize") throw ApiError.methodNotAllowed();
      const media = mediaTypeOf(req.headers.get("content-type") ?? "") ?? "";
      const type = PATCH_TYPES[media];
      if (type === undefined) {
        await req.body?.cancel().catch(() => {});
        throw unsupportedMedia(PATCH_MEDIA);
      }
      const body = await readBody(req, ctx.maxRequestBytes ?? MAX_REQUEST_BYTES);
      const write = writeOptions(query, "PatchOptions", warnings);
      if (query.has("force")) query.bool("force"); // parsed (and refused when malformed) as kube does
      const obj = await reg.patch(kind, name, body, {
        namespace,
        type,
        subresource: sub as Subresource | undefined,
        ...write,
      });
      return jsonResponse(obj, 200, warnings.headers());
    }
    case "DELETE": {
      if (sub !== undefined) throw ApiError.methodNotAllowed();
      const options = await deleteOptions(req, query, ctx.maxRequestBytes);
      const obj = await reg.delete(kind, name, { ...options, namespace, onWarning: warnings.add });
      return deleteAnswer(kind, obj, warnings);
    }
    default:
      throw ApiError.methodNotAllowed();
  }
}

function match(query: Query): ResourceVersionMatch | "" | undefined {
  return query.string("resourceVersionMatch") as ResourceVersionMatch | "" | undefined;
}

/** The dry-run flag from `dryRun` values, which kube accepts only as "All". */
function dryRunOf(values: string[], what: string): boolean {
  const bad = values.filter((v) => v !== "All");
  if (bad.length > 0) {
    throw ApiError.invalid({ group: "meta.k8s.io", kind: what }, "", [
      field.notSupported("dryRun", values, ["All"]),
    ]);
  }
  return values.length > 0;
}

function writeOptions(
  query: Query,
  what: "CreateOptions" | "UpdateOptions" | "PatchOptions",
  warnings: Warnings,
) {
  return {
    dryRun: dryRunOf(query.all("dryRun"), what),
    fieldManager: query.string("fieldManager"),
    fieldValidation: query.string("fieldValidation") as FieldValidation | undefined,
    onWarning: warnings.add,
  };
}

/**
 * Decodes a create or update body by its Content-Type: JSON (the default
 * when none is given, passed on as bytes so the registry reads it strictly),
 * YAML, or kube's protobuf envelope for the built-in kinds.
 */
async function decodeInput(req: Request, kind: Kind, limit?: number): Promise<unknown> {
  const header = req.headers.get("content-type");
  const media = header === null || header.trim() === "" ? "application/json" : mediaTypeOf(header);
  if (
    media !== "application/json" && media !== "application/yaml" &&
    media !== "application/vnd.kubernetes.protobuf"
  ) {
    await req.body?.cancel().catch(() => {});
    throw unsupportedMedia(BODY_MEDIA);
  }
  if (media === "application/vnd.kubernetes.protobuf") {
    const { supportsProtobuf } = await import("./protobuf.ts");
    if (!supportsProtobuf(kind.apiVersion, kind.kind)) {
      await req.body?.cancel().catch(() => {});
      throw unsupportedMedia(["application/json", "application/yaml"]);
    }
  }
  const body = await readBody(req, limit ?? MAX_REQUEST_BYTES);
  if (media === "application/json") return body;
  if (media === "application/yaml") return await decodeYaml(body, kind);
  return await decodeProtobufBody(body, kind);
}

async function decodeYaml(body: Uint8Array, kind: Kind): Promise<unknown> {
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(new TextDecoder().decode(body), { uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    throw ApiError.badRequest(
      `the object provided is unrecognized (must be of type ${kind.kind}): ` +
        `error converting YAML to JSON: yaml: ${problem.message.split("\n")[0]}`,
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

async function decodeProtobufBody(body: Uint8Array, kind: Kind): Promise<unknown> {
  // The decoder loads only when a typed client sends protobuf.
  const { decodeKubeProtobuf } = await import("./protobuf.ts");
  let obj: KubeObject;
  try {
    obj = decodeKubeProtobuf(body, { apiVersion: kind.apiVersion, kind: kind.kind }) as KubeObject;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
  }
  if (obj.apiVersion !== kind.apiVersion || obj.kind !== kind.kind) {
    throw ApiError.badRequest(
      `${obj.kind} in version "${obj.apiVersion}" cannot be handled as a ${kind.kind}`,
    );
  }
  return obj;
}

/**
 * DeleteOptions from a JSON body (kubectl's way, with dryRun inside) or,
 * without a body, from the query, with kube's validation of the policy.
 */
async function deleteOptions(
  req: Request,
  query: Query,
  limit?: number,
): Promise<DeleteOptions & { orphanRequested?: boolean }> {
  const body = await readBody(req, limit ?? MAX_REQUEST_BYTES);
  let raw: Record<string, unknown> = {};
  if (body.length > 0) {
    const text = new TextDecoder().decode(body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw ApiError.badRequest(
        `couldn't get version/kind; json parse error: ${(err as Error).message}`,
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw ApiError.badRequest(
        "couldn't get version/kind; json parse error: json: cannot unmarshal " +
          `${Array.isArray(parsed) ? "array" : typeof parsed} into Go value of type struct ` +
          `{ APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
      );
    }
    raw = parsed as Record<string, unknown>;
  } else {
    const policy = query.string("propagationPolicy");
    if (policy !== undefined) raw.propagationPolicy = policy;
    const dry = query.all("dryRun");
    if (dry.length) raw.dryRun = dry;
    const orphan = query.bool("orphanDependents");
    if (orphan !== undefined) raw.orphanDependents = orphan;
    const grace = query.int("gracePeriodSeconds");
    if (grace !== undefined) raw.gracePeriodSeconds = grace;
  }
  return validateDeleteOptions(raw);
}

const POLICIES: PropagationPolicy[] = ["Orphan", "Background", "Foreground"];

function validateDeleteOptions(raw: Record<string, unknown>): DeleteOptions {
  const errs = [];
  let policy = raw.propagationPolicy as PropagationPolicy | undefined | null;
  if (policy !== undefined && policy !== null && !POLICIES.includes(policy)) {
    errs.push(field.notSupported("propagationPolicy", policy, POLICIES));
  }
  const orphan = raw.orphanDependents;
  if (orphan !== undefined && orphan !== null) {
    if (policy !== undefined && policy !== null) {
      errs.push(
        field.invalid(
          "propagationPolicy",
          policy,
          "orphanDependents and deletionPropagation cannot be both set",
        ),
      );
    } else {
      policy = orphan === true ? "Orphan" : undefined;
    }
  }
  const dry = raw.dryRun;
  const dryValues = Array.isArray(dry) ? dry.map(String) : [];
  if (dryValues.some((v) => v !== "All")) {
    errs.push(field.notSupported("dryRun", dryValues, ["All"]));
  }
  const grace = raw.gracePeriodSeconds;
  if (typeof grace === "number" && grace < 0) {
    errs.push(field.invalid("gracePeriodSeconds", grace, "must be greater than or equal to 0"));
  }
  if (errs.length) {
    throw ApiError.invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", errs);
  }
  const options: DeleteOptions = { dryRun: dryValues.length > 0 };
  if (policy) options.propagationPolicy = policy;
  const pre = raw.preconditions as Preconditions | undefined | null;
  if (pre && typeof pre === "object") {
    const p: Preconditions = {};
    if (typeof pre.uid === "string") p.uid = pre.uid;
    if (typeof pre.resourceVersion === "string") p.resourceVersion = pre.resourceVersion;
    options.preconditions = p;
  }
  return options;
}

/**
 * A delete's answer as kube-apiserver gives it: the object while deletion
 * waits on finalizers; once removed, the object for kinds whose store
 * returns it (namespaces, custom resources) and a Success Status for the
 * other built-in kinds.
 */
function deleteAnswer(kind: Kind, obj: KubeObject, warnings: Warnings): Response {
  const meta = obj.metadata ?? {};
  const pending = meta.deletionTimestamp !== undefined && (meta.finalizers?.length ?? 0) > 0;
  const returnsObject = kind.group !== "" || kind.kind === "Namespace";
  if (pending || returnsObject) return jsonResponse(obj, 200, warnings.headers());
  return jsonResponse(
    {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: meta.name, group: kind.group, kind: kind.plural, uid: meta.uid },
    },
    200,
    warnings.headers(),
  );
}

/** Checks a watch's options up front (errors are statuses), then streams it. */
function startWatch(
  ctx: RestContext,
  kind: Kind,
  namespace: string | undefined,
  query: Query,
  table: TableRequest | undefined,
): Response {
  const timeout = query.int("timeoutSeconds");
  const options: WatchOptions = {
    namespace,
    labelSelector: query.string("labelSelector"),
    fieldSelector: query.string("fieldSelector"),
    resourceVersion: query.string("resourceVersion"),
    resourceVersionMatch: match(query),
    sendInitialEvents: query.bool("sendInitialEvents"),
    allowWatchBookmarks: query.bool("allowWatchBookmarks"),
    // kube-apiserver ends a watch without a timeout after a random 30-60 minutes.
    timeoutSeconds: timeout !== undefined && timeout > 0
      ? timeout
      : 1800 + Math.floor(Math.random() * 1800),
  };
  ctx.registry.checkWatch(kind, options);
  return watchResponse(ctx.registry, kind, options, {
    signal: ctx.signal,
    table,
    lagBytes: ctx.watchLagBytes,
  });
}
