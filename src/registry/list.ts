// The get and list verbs, with continue tokens.
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { decode, listPrefix, objectKey } from "./codec.ts";
import type { GetOptions, ListOptions } from "./options.ts";
import { compileSelectors } from "./selection.ts";
import type { RegistryCore } from "./_core.ts";

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

/** Lists objects, filtered by selectors, optionally in pages. */
export async function list<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  options: ListOptions = {},
): Promise<KubeList<T>> {
  const k = core.served(kind);
  const pred = compileSelectors(k, options.labelSelector, options.fieldSelector);
  const prefix = listPrefix(k, options.namespace);
  const limit = options.limit && options.limit > 0 ? options.limit : 0;
  if (options.limit !== undefined && (options.limit < 0 || !Number.isInteger(options.limit))) {
    throw ApiError.badRequest(`limit must be a non-negative integer, got ${options.limit}`);
  }
  let after: string | undefined;
  let revision: number | undefined;
  if (options.continue) {
    const t = decodeContinue(options.continue, prefix);
    after = t.start;
    revision = t.rv;
    const compacted = await core.store.compactedRevision();
    if (t.rv < compacted) {
      throw ApiError.expired(
        "The provided continue parameter is too old to display a consistent list result. " +
          "You can start a new list without the continue parameter, or use the continue " +
          "token in this response to retrieve the remainder of the results. Continuing with " +
          "the provided token results in an inconsistent list - objects that were created, " +
          "modified, or deleted between the time the first chunk was returned and now may " +
          "show up in the list.",
      );
    }
  }
  const items: T[] = [];
  let more = false;
  let lastKey: string | undefined;
  for (;;) {
    const want = limit ? Math.max(limit - items.length, pred ? 64 : 1) : 0;
    const page = await core.store.list(prefix, { limit: want, after });
    revision ??= page.revision;
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
  }
  return list;
}
