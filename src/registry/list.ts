// The get and list verbs, with continue tokens.
import { ApiError, field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { StoreError } from "../storage/types.ts";
import { listPrefix, objectKey } from "./codec.ts";
import type { GetOptions, ListOptions } from "./options.ts";
import { compileSelectors } from "./selection.ts";
import { checkObjectName, type RegistryCore, tooLargeResourceVersion } from "./_core.ts";

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * kube-apiserver's continue token (storage.EncodeContinue): base64url without
 * padding of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key after the list
 * prefix>\u0000"}`. `rv` -1 means "the latest revision".
 */
function encodeContinue(lastKey: string, prefix: string, rv: number): string {
  const t: ContinueToken = { v: "meta.k8s.io/v1", rv, start: lastKey.slice(prefix.length) + "\0" };
  const bytes = new TextEncoder().encode(JSON.stringify(t));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** storage.DecodeContinue: the first key to read (exclusive) and the revision (-1: latest). */
async function decodeContinue(
  s: string,
  prefix: string,
): Promise<{ after: string; rv: number }> {
  const invalid = (why: string) => ApiError.badRequest(`invalid continue token: ${why}`);
  const generic = "continue key is not valid";
  if (!B64URL.test(s) || s.length % 4 === 1) {
    const at = B64URL.test(s) ? s.length - 1 : [...s].findIndex((c) => !B64URL.test(c));
    throw invalid(`${generic}: illegal base64 data at input byte ${at}`);
  }
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const text = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  let t: Partial<Record<keyof ContinueToken, unknown>>;
  try {
    t = JSON.parse(text);
  } catch (err) {
    const { jsonSyntaxError } = await import("../apimachinery/json_syntax.ts");
    throw invalid(`${generic}: ${jsonSyntaxError(text)?.message ?? String(err)}`);
  }
  if (t === null || typeof t !== "object" || Array.isArray(t)) {
    const { goJsonType } = await import("../apimachinery/json_syntax.ts");
    throw invalid(
      `${generic}: json: cannot unmarshal ${
        goJsonType(t)
      } into Go value of type storage.continueToken`,
    );
  }
  const types: [keyof ContinueToken, string, string][] = [
    ["v", "string", "string"],
    ["rv", "number", "int64"],
    ["start", "string", "string"],
  ];
  for (const [key, js, go] of types) {
    const v = t[key];
    if (
      v !== undefined && v !== null && (typeof v !== js || (key === "rv" && !Number.isInteger(v)))
    ) {
      const { goJsonType } = await import("../apimachinery/json_syntax.ts");
      throw invalid(
        `${generic}: json: cannot unmarshal ${
          typeof v === "number" ? "number " + v : goJsonType(v)
        } into Go struct field continueToken.${key} of type ${go}`,
      );
    }
  }
  if (t.v !== "meta.k8s.io/v1") {
    throw invalid(
      `${generic}: server does not recognize this encoded version version ${t.v ?? ""}`,
    );
  }
  const rv = (t.rv as number | undefined) ?? 0;
  if (rv === 0) {
    throw invalid(`${generic}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
  const start = (t.start as string | undefined) ?? "";
  if (start === "") {
    throw invalid(`${generic}: encoded start key empty (version meta.k8s.io/v1)`);
  }
  // Defence against path traversal, as kube: the start key must already be clean.
  const key = start.startsWith("/") ? start : "/" + start;
  if (cleanPath(key) !== key) throw invalid(`${generic}: ${start}`);
  const full = prefix + key.slice(1);
  // The token names the first key to read ("last key" + NUL); the store reads after a key.
  return { after: full.endsWith("\0") ? full.slice(0, -1) : full, rv };
}

/** Go's path.Clean for an absolute path. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/** Reads one object. */
export async function get<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  name: string,
  options: GetOptions = {},
): Promise<T> {
  const k = core.served(kind);
  checkObjectName(name);
  const rv = options.resourceVersion;
  if (rv !== undefined && rv !== "" && rv !== "0") {
    if (!/^[0-9]+$/.test(rv)) {
      // The cacher's versioner error, passed through unconverted: a 500 with the bare message.
      throw ApiError.of(
        500,
        "" as never,
        `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${
          JSON.stringify(rv)
        }: invalid syntax`,
      );
    }
    await core.waitForRevision(Number(rv));
  }
  const kv = await core.store.get(objectKey(k, core.namespaceFor(k, options.namespace), name));
  if (!kv) throw ApiError.notFound(core.ref(k, name));
  return core.decode<T>(k, kv.value, kv.revision);
}

const CONTINUE_EXPIRED =
  "The provided continue parameter is too old to display a consistent list result. " +
  "You can start a new list without the continue parameter, or use the continue " +
  "token in this response to retrieve the remainder of the results. Continuing with " +
  "the provided token results in an inconsistent list - objects that were created, " +
  "modified, or deleted between the time the first chunk was returned and now may " +
  "show up in the list.";

/**
 * The ListOptions rules of kube-apiserver's `ValidateListOptions` for a list
 * (not a watch): 422 Invalid on `ListOptions.meta.k8s.io`.
 */
function validateListOptions(options: ListOptions): void {
  const errs: FieldError[] = [];
  const match = options.resourceVersionMatch;
  if (match !== undefined && match !== "") {
    if (!options.resourceVersion) {
      errs.push(
        field.forbidden(
          "resourceVersionMatch",
          "resourceVersionMatch is forbidden unless resourceVersion is provided",
        ),
      );
    }
    if (options.continue) {
      errs.push(
        field.forbidden(
          "resourceVersionMatch",
          "resourceVersionMatch is forbidden when continue is provided",
        ),
      );
    }
    if (match !== "Exact" && match !== "NotOlderThan") {
      errs.push(field.notSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
    }
    if (match === "Exact" && options.resourceVersion === "0") {
      errs.push(
        field.forbidden(
          "resourceVersionMatch",
          'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
        ),
      );
    }
  }
  if (options.sendInitialEvents !== undefined) {
    errs.push(field.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  }
  if (errs.length) throw listOptionsInvalid(errs);
}

/** The Invalid error kube-apiserver answers for bad list or watch options. */
export function listOptionsInvalid(errs: FieldError[]): ApiError {
  return ApiError.invalid({ group: "meta.k8s.io", kind: "ListOptions" }, "", errs);
}

/** Parses a resourceVersion parameter: "" and "0" are 0; anything else a positive integer. */
export function parseResourceVersion(rv: string | undefined): number {
  if (rv === undefined || rv === "" || rv === "0") return 0;
  if (!/^[0-9]+$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    // kube-apiserver's storage versioner: strconv.ParseUint's error, as a BadRequest.
    const why = /^[0-9]+$/.test(rv) ? "value out of range" : "invalid syntax";
    throw ApiError.badRequest(
      `invalid resource version: resourceVersion: Invalid value: ${
        JSON.stringify(rv)
      }: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${why}`,
    );
  }
  return Number(rv);
}

/**
 * Lists objects, filtered by selectors, optionally in pages. Every page of a
 * paged list reads the store at the first page's revision (kept in the
 * continue token), as etcd serves it. `resourceVersion` and
 * `resourceVersionMatch` follow kube-apiserver: unset, "0" and NotOlderThan
 * read the current state (after waiting for the store to reach the given
 * revision), Exact (and a resourceVersion with a limit but no match) reads
 * that revision.
 */
export async function list<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  options: ListOptions = {},
): Promise<KubeList<T>> {
  const k = core.served(kind);
  validateListOptions(options);
  const pred = compileSelectors(k, options.labelSelector, options.fieldSelector);
  const prefix = listPrefix(k, options.namespace);
  if (options.limit !== undefined && !Number.isInteger(options.limit)) {
    throw ApiError.badRequest(`limit must be an integer, got ${options.limit}`);
  }
  const rvText = options.resourceVersion ?? "";
  const rv = parseResourceVersion(rvText);
  // As in kube-apiserver, a limit of 0 or less lists everything; so does resourceVersion "0"
  // without a continue token (the watch cache serves it whole).
  const limit = options.limit && options.limit > 0 && !(rvText === "0" && !options.continue)
    ? options.limit
    : 0;
  const match = options.resourceVersionMatch || undefined;
  let after: string | undefined;
  let continueFrom: string | undefined;
  // The revision every store read uses; undefined: the current one, fixed by the first read.
  let revision: number | undefined;
  if (options.continue) {
    // As storage.ValidateListOptions: the token is decoded before the resourceVersion is looked at.
    const t = await decodeContinue(options.continue, prefix);
    if (rvText !== "" && rvText !== "0") {
      throw ApiError.badRequest("specifying resource version is not allowed when using continue");
    }
    after = t.after;
    continueFrom = after;
    if (t.rv > 0) revision = t.rv;
  } else if (rv > 0 && (match === "Exact" || (match === undefined && limit > 0))) {
    revision = rv;
  } else if (rv > 0) {
    await core.waitForRevision(rv);
  }
  const items: T[] = [];
  let more = false;
  let lastKey: string | undefined;
  let count: number | undefined;
  for (;;) {
    const want = limit ? Math.max(limit - items.length, pred ? 64 : 1) : 0;
    let page;
    try {
      page = await core.store.list(prefix, {
        limit: want,
        after,
        revision,
        count: limit > 0 && !pred && count === undefined,
      });
    } catch (err) {
      throw listStoreError(err, continueFrom, prefix, rv);
    }
    revision ??= page.revision;
    count ??= page.count;
    let stoppedEarly = false;
    for (let i = 0; i < page.items.length; i++) {
      const kv = page.items[i];
      const obj = core.decode<T>(k, kv.value, kv.revision);
      lastKey = kv.key;
      if (!pred || pred(obj)) {
        items.push(obj);
        if (limit && items.length === limit) {
          stoppedEarly = i < page.items.length - 1 || page.more;
          break;
        }
      }
    }
    if (limit && items.length === limit) {
      more = stoppedEarly;
      break;
    }
    if (!page.more || !limit) break;
    after = lastKey;
  }
  const list: KubeList<T> = {
    apiVersion: k.apiVersion,
    kind: k.listKind,
    metadata: { resourceVersion: String(revision ?? 0) },
    items,
  };
  if (more && lastKey !== undefined) {
    list.metadata.continue = encodeContinue(lastKey, prefix, revision ?? 0);
    // Reported only without selectors, where the store's count is exact (as etcd3's GetList).
    if (count !== undefined) list.metadata.remainingItemCount = count - items.length;
  }
  return list;
}

/** A store failure of a list, in kube-apiserver's words. */
function listStoreError(
  err: unknown,
  continueFrom: string | undefined,
  prefix: string,
  rv: number,
): unknown {
  if (!(err instanceof StoreError)) return err;
  if (err.code === "compacted") {
    if (continueFrom === undefined) {
      return ApiError.expired("The resourceVersion for the provided list is too old.");
    }
    // etcd3's handleCompactedErrorForPaging: a token to go on at the latest revision comes along.
    const e = ApiError.expired(CONTINUE_EXPIRED);
    e.status.metadata.continue = encodeContinue(continueFrom, prefix, -1);
    return e;
  }
  if (err.code === "future") return tooLargeResourceVersion(rv, err.revision, 0);
  return err;
}
