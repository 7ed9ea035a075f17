/**
 * `get --raw URI`: one GET of a path of the Kubernetes API, its body written as it is (kubectl's
 * rawhttp.RawGet). Through a server, the server answers; on a local store, the API server's
 * handler answers in-process, so the paths and bodies are those `k1s serve` would give.
 *
 * @module
 */
import { ApiError } from "../../src/apimachinery/errors.ts";
import type { HttpClient } from "../../src/client/http.ts";
import { CliError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";

/** kubectl's checks of `--raw` with the other flags of `get`, in its order. */
function validate(ctx: CommandContext, uri: string): void {
  if (ctx.args.length > 0) {
    throw new CliError("arguments may not be passed when --raw is specified");
  }
  if (ctx.flags.watch || ctx.flags["watch-only"] || ctx.flags.selector) {
    throw new CliError(
      "--raw may not be specified with other flags that filter the server request or alter the output",
    );
  }
  if (ctx.flags.output) throw new CliError("--raw and --output are mutually exclusive");
  // Go's url.ParseRequestURI: an absolute path or an absolute URL.
  if (!uri.startsWith("/") && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) {
    throw new CliError(
      `--raw must be a valid URL path: parse ${JSON.stringify(uri)}: invalid URI for request`,
    );
  }
}

/** Runs `get --raw`: writes the body of GET `uri`; a failure is the server's error. */
export async function getRaw(ctx: CommandContext, uri: string): Promise<void> {
  validate(ctx, uri);
  const rt = await ctx.runtime();
  const remote = rt.client as Partial<Pick<HttpClient, "raw">>;
  if (typeof remote.raw === "function") {
    ctx.io.stdout(new TextDecoder().decode(await remote.raw(uri)));
    return;
  }
  // A local store: the API server's own handler, in-process.
  const { apiHandler } = await import("../../src/server/server.ts");
  const handle = apiHandler({ registry: rt.embedded!.registry, scheme: rt.scheme });
  const res = await handle(new Request(new URL(uri, "http://k1s.local")));
  const body = await res.text();
  if (res.ok) {
    ctx.io.stdout(body);
    return;
  }
  let status: unknown;
  try {
    status = JSON.parse(body);
  } catch {
    // not a Status: kube's words for a path it does not serve
  }
  if ((status as { kind?: string } | undefined)?.kind === "Status") {
    throw new ApiError(status as ConstructorParameters<typeof ApiError>[0]);
  }
  throw ApiError.of(res.status, "NotFound", "the server could not find the requested resource");
}
