/**
 * The watchers of `deno task bench`'s fan-out figure, in a process of their
 * own: opens `count` HTTP watches, prints "ready", then for each of `writes`
 * objects records when the last watcher received it (wall clock, ms), and
 * prints the times as JSON.
 *
 * `deno run --allow-net bench/watch_fanout_client.ts URL COUNT WRITES` (plain http)
 *
 * @module
 */
const [url, countText, writesText] = Deno.args;
const count = Number(countText);
const writes = Number(writesText);
const now = () => performance.timeOrigin + performance.now();
const left = new Map<string, number>();
const last: Record<string, number> = {};
const { promise: allDone, resolve } = Promise.withResolvers<void>();
let finished = 0;
const decoder = new TextDecoder();
const NAME = /"name":"([^"]*)"/g;
const target = new URL(url);
// Raw sockets: a fetch body stream per watch would make this client, not the server, the limit.
const request = new TextEncoder().encode(
  `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    "Accept: application/json\r\n\r\n",
);
const readers = await Promise.all([...Array(count)].map(async () => {
  const conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
  await conn.write(request);
  const buf = new Uint8Array(64 * 1024);
  (async () => {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) return;
      // Each event is flushed on its own; count every object name seen in what arrived.
      for (const m of decoder.decode(buf.subarray(0, n)).matchAll(NAME)) {
        const name = m[1];
        const left1 = (left.get(name) ?? count) - 1;
        left.set(name, left1);
        if (left1 === 0) {
          last[name] = now();
          if (++finished === writes) resolve();
        }
      }
    }
  })().catch(() => {});
  return { cancel: () => Promise.resolve(conn.close()) };
}));
console.log("ready");
await allDone;
for (const r of readers) await r.cancel().catch(() => {});
console.log(JSON.stringify(last));
