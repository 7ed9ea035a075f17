/**
 * The CLI against an API server: `--server`, `--kubeconfig`, `--context` and
 * `--token` (kubectl's flags) make commands use a `connect()`ed client
 * instead of a local store. The server's own controllers do the work the
 * kit's triggered run does on a local store. Loaded only when one of those
 * flags is given.
 *
 * @module
 */
import { connect } from "../src/connect.ts";
import { coreV1Kinds } from "../src/resources/core_v1.ts";
import type { Kind } from "../src/scheme/kind.ts";
import { Scheme } from "../src/scheme/scheme.ts";
import type { CliRuntime } from "./kit.ts";

/** A connection as the kit's commands see a runtime, with the context's namespace. */
export async function connectCli(
  flags: Record<string, string | boolean | string[] | undefined>,
  kinds: readonly Kind[],
): Promise<CliRuntime & { namespace: string }> {
  const str = (name: string) => flags[name] as string | undefined;
  const remote = await connect({
    server: str("server"),
    kubeconfig: str("kubeconfig"),
    context: str("context"),
    token: str("token"),
    namespace: str("namespace"),
    userAgent: "k1s",
  });
  return {
    client: remote.client,
    scheme: new Scheme([...coreV1Kinds, ...kinds]),
    namespace: remote.namespace,
    embedded: undefined,
    settle: () =>
      Promise.resolve({
        idle: true,
        reconciles: 0,
        fromRevision: undefined,
        toRevision: 0,
        fullResync: false,
        unfinished: [],
        deferred: [],
      }),
    close: () => remote.close(),
  };
}
