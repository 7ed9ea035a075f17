/**
 * Watch streams over HTTP: one JSON object per line, flushed per event, as
 * kube-apiserver streams them. Events are pulled from the registry's watch
 * as fast as they come and queued for the socket; a client that falls more
 * than a bound behind is sent an ERROR event and the stream ends, rather
 * than the server buffering without limit. A client that disconnects ends
 * the registry watch; so does the server's shutdown signal.
 *
 * @module
 */
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { Registry } from "../registry/registry.ts";
import type { WatchOptions } from "../registry/options.ts";
import type { Kind } from "../scheme/kind.ts";
import { JSON_TYPE } from "./http.ts";
import { tableForWatchEvent, type TableRequest } from "./tables.ts";

/** Default: a watcher may lag this many bytes behind before its watch is ended. */
export const DEFAULT_WATCH_LAG_BYTES = 16 * 1024 * 1024;

/** Options of {@linkcode watchResponse}. */
export interface WatchStreamOptions {
  /** Ends the stream when aborted (the server's shutdown). */
  signal?: AbortSignal;
  /** Encode objects as one-row Tables (Table Accept). */
  table?: TableRequest;
  /** Bytes the client may lag behind; default {@linkcode DEFAULT_WATCH_LAG_BYTES}. */
  lagBytes?: number;
}

const encoder = new TextEncoder();

/**
 * Encoded lines of recent object events, shared by every watcher that gets
 * the same event (one write fans out to many watches of the same kind): an
 * object event is identified by its type, uid and resourceVersion (per
 * registry: stores with made-up uids may repeat them).
 */
const sharedByRegistry = new WeakMap<Registry, Map<string, Uint8Array>>();

function encodeShared(shared: Map<string, Uint8Array>, ev: WatchEvent<KubeObject>): Uint8Array {
  const meta = ev.object?.metadata;
  if (ev.type === "BOOKMARK" || ev.type === "ERROR" || !meta?.uid || !meta.resourceVersion) {
    return encoder.encode(JSON.stringify(ev) + "\n");
  }
  const key = `${ev.type}|${meta.uid}|${meta.resourceVersion}`;
  let line = shared.get(key);
  if (line === undefined) {
    line = encoder.encode(JSON.stringify(ev) + "\n");
    if (shared.size >= 1024) shared.clear();
    shared.set(key, line);
  }
  return line;
}

/**
 * Streams a registry watch as a chunked `application/json` body of
 * newline-terminated events. The caller has already checked the options
 * with `registry.checkWatch`, so every failure from here on is an ERROR
 * event, as kube sends it after the 200.
 */
export function watchResponse(
  registry: Registry,
  kind: Kind,
  options: WatchOptions,
  stream: WatchStreamOptions = {},
): Response {
  const ac = new AbortController();
  const onStop = () => ac.abort();
  stream.signal?.addEventListener("abort", onStop, { once: true });
  const limit = stream.lagBytes ?? DEFAULT_WATCH_LAG_BYTES;
  let first = true;
  let shared = sharedByRegistry.get(registry);
  if (!shared) sharedByRegistry.set(registry, shared = new Map());
  const lines = shared;
  const encode = (ev: WatchEvent<KubeObject>): Uint8Array => {
    if (stream.table && ev.type !== "ERROR") {
      const out = tableForWatchEvent(kind, ev, stream.table, first);
      first = false;
      return encoder.encode(JSON.stringify(out) + "\n");
    }
    return encodeShared(lines, ev);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (stream.signal?.aborted) {
        controller.close();
        return;
      }
      const events = registry.watch(kind, { ...options, signal: ac.signal });
      (async () => {
        try {
          for await (const ev of events) {
            controller.enqueue(encode(ev as WatchEvent<KubeObject>));
            if ((controller.desiredSize ?? 0) < -limit) {
              const status = ApiError.of(
                500,
                "InternalError",
                "the watch was ended because the client did not read its events fast enough",
              ).status;
              controller.enqueue(
                encode({ type: "ERROR", object: status as unknown as KubeObject }),
              );
              break;
            }
          }
          controller.close();
        } catch (err) {
          try {
            if (!ac.signal.aborted) {
              const status = err instanceof ApiError
                ? err.status
                : ApiError.internal(err instanceof Error ? err.message : String(err)).status;
              controller.enqueue(
                encode({ type: "ERROR", object: status as unknown as KubeObject }),
              );
            }
            controller.close();
          } catch {
            // The client is gone: nothing to tell it.
          }
        } finally {
          stream.signal?.removeEventListener("abort", onStop);
          ac.abort();
        }
      })();
    },
    cancel() {
      // The client went away: end the registry watch.
      ac.abort();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }));
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": JSON_TYPE,
      "cache-control": "no-cache, private",
    },
  });
}
