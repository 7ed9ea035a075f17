// Shared fixture of the describe and events tests: a seeded SQLite store and an in-process CLI.
import { z } from "zod";
import {
  ConfigMap,
  createRuntime,
  defineKind,
  Event,
  FakeClock,
  Secret,
  ServiceAccount,
} from "@k1s/k1s";
import { captureIO } from "../io.ts";
import { defineCli } from "../kit.ts";
import { standardCommands } from "./mod.ts";

export const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  spec: z.object({
    displayName: z.string(),
    quantity: z.number().int().min(0).default(1),
    tags: z.array(z.string()).optional(),
  }),
  status: z.object({ ready: z.boolean().optional() }),
});

export const cli = defineCli({
  name: "k1s",
  version: "0",
  kinds: [Item],
  commands: standardCommands(),
});

export const T0 = Date.parse("2024-01-01T00:00:00Z");
export const NOW = T0 + 10 * 60_000;

export async function seeded(
  prefix: string,
): Promise<{ store: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: `k1s-${prefix}-` });
  const store = `sqlite:${dir}/store.db`;
  await using rt = await createRuntime({ store, kinds: [Item], clock: new FakeClock(T0) });
  const cm = await rt.client.create(ConfigMap, {
    metadata: {
      name: "app",
      namespace: "default",
      labels: { tier: "web", app: "shop" },
      annotations: { note: "hi" },
    },
    data: { mode: "fast", "conf.ini": "a=1\nb=2" },
    binaryData: { blob: btoa("hello") },
  });
  await rt.client.create(ConfigMap, { metadata: { name: "quiet", namespace: "default" } });
  await rt.client.create(Secret, {
    metadata: { name: "pw", namespace: "default" },
    stringData: { password: "s3cret", user: "admin" },
  });
  await rt.client.create(ServiceAccount, {
    metadata: { name: "bot", namespace: "default" },
    imagePullSecrets: [{ name: "reg1" }, { name: "reg2" }],
  });
  await rt.client.create(ServiceAccount, { metadata: { name: "plain", namespace: "default" } });
  const item = await rt.client.create(Item, {
    metadata: { name: "widget", namespace: "default" },
    spec: { displayName: "Widget", tags: ["a", "b"] },
  });
  await rt.client.create(Item, {
    metadata: { name: "gadget", namespace: "default" },
    spec: { displayName: "Gadget" },
  });
  await rt.client.create(Event, {
    metadata: { name: "app.1", namespace: "default" },
    involvedObject: {
      kind: "ConfigMap",
      name: "app",
      namespace: "default",
      uid: cm.metadata.uid,
      apiVersion: "v1",
    },
    reason: "Seen",
    message: "config loaded",
    type: "Normal",
    source: { component: "ctrl" },
    count: 3,
    firstTimestamp: "2024-01-01T00:00:00Z",
    lastTimestamp: "2024-01-01T00:09:55Z",
  });
  await rt.client.create(Event, {
    metadata: { name: "app.2", namespace: "default" },
    involvedObject: {
      kind: "ConfigMap",
      name: "app",
      namespace: "default",
      uid: cm.metadata.uid,
      apiVersion: "v1",
    },
    reason: "Checked",
    message: "  ok  ",
    type: "Normal",
    reportingComponent: "checker",
    count: 1,
    firstTimestamp: "2024-01-01T00:02:00Z",
    lastTimestamp: "2024-01-01T00:02:00Z",
  });
  await rt.client.create(Event, {
    metadata: { name: "widget.1", namespace: "default" },
    involvedObject: {
      kind: "Item",
      name: "widget",
      namespace: "default",
      uid: item.metadata.uid,
      apiVersion: Item.apiVersion,
    },
    reason: "LowStock",
    message: "stock low",
    type: "Warning",
    source: { component: "stock" },
    count: 1,
    firstTimestamp: "2024-01-01T00:05:00Z",
    lastTimestamp: "2024-01-01T00:05:00Z",
  });
  return { store, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

export async function k(store: string, args: string[], stdin?: string) {
  const io = captureIO({ now: NOW, stdin });
  const code = await cli.run(["--store", store, ...args], io);
  return { code, out: io.out, err: io.err };
}
