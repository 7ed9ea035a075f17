/**
 * The Kubernetes API server of k1s: {@linkcode serve} a runtime's registry
 * over HTTP(S) for kubectl and Kubernetes client libraries, or use
 * {@linkcode apiHandler} with another HTTP server.
 *
 * @example
 * ```ts
 * import { serve } from "@k1s/k1s/server";
 * import { createRuntime } from "@k1s/k1s";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await using server = await serve(rt, { port: 0 });
 * const res = await fetch(`${server.url}/api/v1/namespaces/default`);
 * assert.equal((await res.json()).metadata.name, "default");
 * ```
 *
 * @module
 */
export {
  apiHandler,
  type ApiServer,
  type HandlerOptions,
  serve,
  SERVED_KUBE_MINOR,
  type ServedRuntime,
  type ServeOptions,
  type VersionInfo,
} from "./server.ts";
