/**
 * The HTTP client of a command that talks to a server, for the verbs that ask the server
 * itself (discovery, `/version`, OpenAPI documents) rather than go through the scheme.
 *
 * @module
 */
import type { HttpClient } from "../../src/client/http.ts";
import { NoStoreError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";

/**
 * The client when the CLI talks to a server (`--server`, a kubeconfig context); undefined on a
 * local store, or where there is no store yet.
 */
export async function serverClient(ctx: CommandContext): Promise<HttpClient | undefined> {
  let client: unknown;
  try {
    client = (await ctx.core()).client;
  } catch (err) {
    if (!(err instanceof NoStoreError)) throw err;
  }
  // (Duck-typed: the HTTP client's module loads only when a server is used.)
  const http = client as Partial<HttpClient> | undefined;
  return typeof http?.discover === "function" ? http as HttpClient : undefined;
}
