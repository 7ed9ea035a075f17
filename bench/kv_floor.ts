/**
 * What a watchable, globally ordered create costs on bare Deno KV, next to
 * the raw baseline of `deno task bench` (one checked set per object). The
 * KV store's create is one atomic operation that checks the head revision,
 * the key's absence and the namespace's revision, and sets the head, a log
 * entry and the current entry. This prints the bare costs of those steps, so
 * the store's ratio can be read against them.
 *
 * `deno run -A --unstable-kv bench/kv_floor.ts`
 *
 * @module
 */

const value = JSON.stringify({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "x".repeat(40), namespace: "default", uid: crypto.randomUUID() },
  data: { a: "x".repeat(60), b: "y".repeat(60) },
});

type Create = (kv: Deno.Kv, i: number) => Promise<void>;

async function best(name: string, create: Create, setup?: (kv: Deno.Kv) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "k1s-kv-floor-" });
  const kv = await Deno.openKv(`${dir}/${name}.kv`);
  try {
    await setup?.(kv);
    for (let i = 0; i < 300; i++) await create(kv, -i - 1);
    let top = 0;
    for (let round = 0; round < 4; round++) {
      const n = 1_000;
      const t = performance.now();
      for (let i = 0; i < n; i++) await create(kv, round * n + i);
      top = Math.max(top, Math.round(n / (performance.now() - t) * 1000));
    }
    return top;
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const key = (i: number): Deno.KvKey => ["cur", `/registry/configmaps/default/cm-${i}`];
let head = 0;
let stamp: string | null = null;
let nsStamp = "";
const reset = async (kv: Deno.Kv) => {
  head = 0;
  stamp = (await kv.set(["rev"], 0)).versionstamp;
  nsStamp = (await kv.set(["cur", "/registry/namespaces/default"], { r: 0 })).versionstamp;
};
/** The store's create: head, absence (and namespace) checked; head, log and current set. */
const shaped = (extra: "none" | "check" | "get"): Create => async (kv, i) => {
  if (extra === "get") await kv.get(["cur", "/registry/namespaces/default"]);
  const op = kv.atomic().check({ key: ["rev"], versionstamp: stamp })
    .check({ key: key(i), versionstamp: null });
  if (extra === "check") {
    op.check({ key: ["cur", "/registry/namespaces/default"], versionstamp: nsStamp });
  }
  const rev = head + 1;
  op.set(["rev"], rev).set(["log", rev], { k: key(i)[1], t: 0, c: rev, p: 0, v: value })
    .set(key(i), { r: rev, c: rev, v: value });
  const res = await op.commit();
  if (!res.ok) throw new Error("commit refused");
  head = rev;
  stamp = res.versionstamp;
};

const raw = await best("raw", async (kv, i) => {
  const res = await kv.atomic().check({ key: key(i), versionstamp: null }).set(key(i), value)
    .commit();
  if (!res.ok) throw new Error("commit refused");
});
const rows: [string, number][] = [
  ["raw: check + set (the bench baseline)", raw],
  [
    "ordered: head and absence checked; head, log, current set",
    await best("s", shaped("none"), reset),
  ],
  [
    "  + the namespace's revision checked in the same commit",
    await best("c", shaped("check"), reset),
  ],
  ["  + the namespace read before the commit instead", await best("g", shaped("get"), reset)],
];
for (const [what, n] of rows) {
  console.log(`${what.padEnd(60)} ${String(n).padStart(6)}/s  ratio ${(n / raw).toFixed(2)}`);
}
