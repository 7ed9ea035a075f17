/**
 * A load generator for `deno task bench`'s serve section, run as its own
 * process so that the server under test has the bench process to itself:
 * `clients` keep-alive loops of creates or gets; prints the ops/s.
 *
 * `deno run --allow-net bench/http_load.ts URL create|get COUNT CLIENTS PREFIX`
 *
 * @module
 */
const [url, verb, countText, clientsText, prefix] = Deno.args;
const count = Number(countText);
const clients = Number(clientsText);
const headers = { "content-type": "application/json", accept: "application/json" };
const body = (name: string) =>
  JSON.stringify({ metadata: { name }, data: { key1: "value-one", key2: "value-two" } });

async function lane(c: number): Promise<void> {
  for (let i = c; i < count; i += clients) {
    const res = verb === "create"
      ? await fetch(url, { method: "POST", headers, body: body(`${prefix}${i}`) })
      : await fetch(`${url}/${prefix}${i}`, { headers });
    await res.arrayBuffer();
    if (res.status !== (verb === "create" ? 201 : 200)) {
      throw new Error(`${verb} ${prefix}${i}: HTTP ${res.status}`);
    }
  }
}

const t = performance.now();
await Promise.all([...Array(clients)].map((_, c) => lane(c)));
console.log(Math.round(count / (performance.now() - t) * 1000));
