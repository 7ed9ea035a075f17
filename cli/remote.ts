/**
 * The CLI against an API server: `--server`, `--kubeconfig`, `--context` and
 * `--token` (kubectl's flags) make commands use a `connect()`ed client
 * instead of a local store. The server's own controllers do the work the
 * kit's triggered run does on a local store. Loaded only when one of those
 * flags is given.
 *
 * @module
 */
import type { HttpClient } from "../src/client/http.ts";
import { connect } from "../src/connect.ts";
import { defineObjectKind } from "../src/scheme/kind.ts";
import { openAPISchema } from "../src/scheme/openapi.ts";
import { coreV1Kinds } from "../src/resources/core_v1.ts";
import { admissionregistrationV1Kinds } from "../src/resources/admissionregistration_v1.ts";
import { coordinationV1Kinds } from "../src/resources/coordination_v1.ts";
import {
  apiextensionsV1Kinds,
  CustomResourceDefinition,
  isCRDConditionTrue,
} from "../src/apiextensions/crd.ts";
import type { Kind } from "../src/scheme/kind.ts";
import { Scheme } from "../src/scheme/scheme.ts";
import type { CliRuntime } from "./kit.ts";

/**
 * Adds the server's resources the CLI has no kind for (a cluster's
 * Deployments, another CLI's kinds), from discovery, in each group's
 * preferred version: their objects are read and written as they are (the
 * server validates them) and printed with the name and age columns. A
 * server without aggregated discovery leaves the CLI with its own kinds.
 */
async function addServerKinds(scheme: Scheme, client: HttpClient): Promise<void> {
  let found;
  try {
    found = await client.discover();
  } catch {
    return; // the command's own request reports an unreachable server
  }
  const unknown = found.filter((r) =>
    r.preferred && r.kind && !scheme.forResource(r.group, r.resource)
  );
  // Kinds of CRDs are served as the server serves them: columns, selectable fields, schema.
  if (
    unknown.length > 0 && scheme.forResource("apiextensions.k8s.io", "customresourcedefinitions")
  ) {
    await addCRDKinds(scheme, client);
  }
  for (const r of found) {
    if (!r.preferred || !r.verbs.includes("get") || !r.kind) continue;
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    if (scheme.lookup(apiVersion, r.kind) || scheme.forResource(r.group, r.resource)) continue;
    if (scheme.kinds().some((k) => k.group === r.group && k.kind === r.kind)) continue;
    scheme.register(defineObjectKind({
      group: r.group,
      version: r.version,
      kind: r.kind,
      plural: r.resource,
      singular: r.singular || r.kind.toLowerCase(),
      shortNames: r.shortNames,
      categories: r.categories,
      scope: r.scope,
      statusSubresource: r.subresources.includes("status"),
      printerColumns: [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }],
      schema: openAPISchema({ type: "object" }),
    }));
  }
}

/** Registers the kinds of the server's established CRDs (when the user may list them). */
async function addCRDKinds(scheme: Scheme, client: HttpClient): Promise<void> {
  let crds;
  try {
    crds = await client.list(CustomResourceDefinition);
  } catch {
    return; // not allowed, or not served: discovery's kinds will do
  }
  const established = crds.items.filter((c) => isCRDConditionTrue(c, "Established"));
  if (established.length === 0) return;
  const { kindsFromCRD } = await import("../src/apiextensions/kinds.ts");
  for (const crd of established) {
    const done: Kind[] = [];
    try {
      for (const k of kindsFromCRD(crd)) {
        scheme.register(k);
        done.push(k);
      }
    } catch {
      // A name the CLI's own kinds hold: the CLI's kind wins, and none of the CRD's versions.
      for (const k of done) scheme.unregister(k);
    }
  }
}

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
  const scheme = new Scheme([
    ...coreV1Kinds,
    ...apiextensionsV1Kinds,
    ...admissionregistrationV1Kinds,
    ...coordinationV1Kinds,
    ...kinds,
  ]);
  await addServerKinds(scheme, remote.client);
  return {
    client: remote.client,
    scheme,
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
        backlog: 0,
      }),
    close: () => remote.close(),
  };
}
