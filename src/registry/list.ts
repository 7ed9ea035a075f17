// The get and list verbs, with continue tokens.
import { ApiError, field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { StoreError } from "../storage/types.ts";
import { decode, listPrefix, objectKey } from "./codec.ts";
import type { GetOptions, ListOptions } from "./options.ts";
import { compileSelectors } from "./selection.ts";
import { type RegistryCore, tooLargeResourceVersion } from "./_core.ts";

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return btoa(JSON.stringify(t)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeContinue(s: string, prefix: string): ContinueToken {
  let t: ContinueToken;
  try {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    t = JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
  } catch {
    throw ApiError.badRequest(`continue key is not valid: illegal base64 data`);
  }
  if (
    !t || t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string"
  ) {
    throw ApiError.badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  if (!t.start.startsWith(prefix)) {
    throw ApiError.badRequest("continue key is not valid: key is not under the listed prefix");
  }
  return t;
}

/** Reads one object. */
export async function get<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  name: string,
  options: GetOptions = {},
): Promise<T> {
  const k = core.served(kind);
  if (!name) throw ApiError.badRequest("resource name may not be empty");
  const kv = await core.store.get(objectKey(k, core.namespaceFor(k, options.namespace), name));
  if (!kv) throw ApiError.notFound(core.ref(k, name));
  return decode<T>(kv.value, kv.revision);
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
      `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${
        JSON.stringify(rv)
      }: ${why}`,
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
  // As in kube-apiserver, a limit of 0 or less lists everything.
  const limit = options.limit && options.limit > 0 ? options.limit : 0;
  const rvText = options.resourceVersion ?? "";
  const rv = parseResourceVersion(rvText);
  const match = options.resourceVersionMatch || undefined;
  let after: string | undefined;
  // The revision every store read uses; undefined: the current one, fixed by the first read.
  let revision: number | undefined;
  if (options.continue) {
    if (rvText !== "" && rvText !== "0") {
      throw ApiError.badRequest("specifying resource version is not allowed when using continue");
    }
    const t = decodeContinue(options.continue, prefix);
    after = t.start;
    revision = t.rv;
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
      throw listStoreError(err, options.continue !== undefined && options.continue !== "", rv);
    }
    revision ??= page.revision;
    count ??= page.count;
    let stoppedEarly = false;
    for (let i = 0; i < page.items.length; i++) {
      const kv = page.items[i];
      const obj = decode<T>(kv.value, kv.revision);
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
    list.metadata.continue = encodeContinue({
      v: "meta.k8s.io/v1",
      rv: revision ?? 0,
      start: lastKey,
    });
    // Reported only without selectors, where the store's count is exact (as etcd3's GetList).
    if (count !== undefined) list.metadata.remainingItemCount = count - items.length;
  }
  return list;
}

/** A store failure of a list, in kube-apiserver's words. */
function listStoreError(err: unknown, continuing: boolean, rv: number): unknown {
  if (!(err instanceof StoreError)) return err;
  if (err.code === "compacted") {
    return ApiError.expired(
      continuing ? CONTINUE_EXPIRED : "The resourceVersion for the provided list is too old.",
    );
  }
  if (err.code === "future") return tooLargeResourceVersion(rv, err.revision);
  return err;
}
