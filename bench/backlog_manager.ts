/**
 * A live manager for the `backlog` bench section: opens the SQLite store
 * named by its argument, runs the built-in controllers and an operator (a
 * ConfigMap owning a Secret, an Event per reconcile) under the controllers'
 * lease, makes 300 creates and 300 deletes and waits until they are handled,
 * prints `handled`, and runs until SIGTERM (then releases the lease).
 *
 * @module
 */
import {
  ConfigMap,
  controllerFor,
  createRuntime,
  ignoreNotFound,
  Secret,
  setControllerReference,
} from "@k1s/k1s";

const N = Number(Deno.args[1] ?? 300);
await using rt = await createRuntime({ store: "sqlite:" + Deno.args[0] });
const mgr = rt.manager();
let reconciles = 0;
mgr.add(
  controllerFor(ConfigMap).owns(Secret).complete(async (req, ctx) => {
    reconciles++;
    const cm = await ctx.reader.get(ConfigMap, req.name, req).catch(ignoreNotFound);
    if (!cm || cm.metadata.deletionTimestamp || !cm.metadata.name!.startsWith("burst-")) return;
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `${req.name}-s`, namespace: req.namespace },
    };
    setControllerReference(cm, secret);
    await ctx.client.create(Secret, secret).catch(() => {});
    mgr.recorder.event(cm, "Normal", "Synced", `synced ${req.name}`);
  }),
);
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
let leading!: () => void;
const led = new Promise<void>((r) => leading = r);
const run = mgr.start(stop.signal, { leaderElection: { onStartedLeading: () => leading() } });
await led;
for (let i = 0; i < N; i++) {
  await rt.client.create(ConfigMap, { metadata: { name: `burst-${i}`, namespace: "default" } });
}
for (let i = 0; i < N; i++) {
  await rt.client.delete(ConfigMap, `burst-${i}`, { namespace: "default" });
}
// Handled: the garbage collector removed every Secret the operator made.
for (;;) {
  const left = await rt.client.list(Secret, { namespace: "default", limit: 1 });
  if (left.items.length === 0 && reconciles >= N) break;
  await new Promise((r) => setTimeout(r, 50));
}
console.log("handled");
await run;
