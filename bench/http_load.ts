/**
 * A load generator for `deno task bench`'s serve section, run as its own
 * process so that the server under test has the bench process to itself:
 * `clients` keep-alive HTTP/1.1 connections on raw sockets (a fetch client
 * costs more than the server it measures), each sending creates or gets one
 * after another; prints the ops/s.
 *
 * `deno run --allow-net bench/http_load.ts URL create|get COUNT CLIENTS PREFIX`
 *
 * @module
 */
const [url, verb, countText, clientsText, prefix] = Deno.args;
const count = Number(countText);
const clients = Number(clientsText);
const target = new URL(url);
const enc = new TextEncoder();
const dec = new TextDecoder();

function request(i: number): Uint8Array {
  const name = `${prefix}${i}`;
  if (verb === "create") {
    const body = JSON.stringify({
      metadata: { name },
      data: { key1: "value-one", key2: "value-two" },
    });
    return enc.encode(
      `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${
          enc.encode(body).length
        }\r\n\r\n${body}`,
    );
  }
  return enc.encode(
    `GET ${target.pathname}/${name} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n\r\n`,
  );
}

/** Reads one response (status line, headers with Content-Length, body); returns the status. */
async function response(conn: Deno.Conn, state: { buf: Uint8Array; len: number }): Promise<number> {
  for (;;) {
    const text = dec.decode(state.buf.subarray(0, state.len));
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const m = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (!m) throw new Error("response without content-length");
      const total = end + 4 + Number(m[1]); // ASCII headers and JSON bodies: bytes = chars
      if (state.len >= total) {
        const status = Number(text.slice(9, 12));
        state.buf.copyWithin(0, total, state.len);
        state.len -= total;
        return status;
      }
    }
    if (state.len === state.buf.length) {
      const bigger = new Uint8Array(state.buf.length * 2);
      bigger.set(state.buf);
      state.buf = bigger;
    }
    const n = await conn.read(state.buf.subarray(state.len));
    if (n === null) throw new Error("connection closed");
    state.len += n;
  }
}

async function lane(c: number): Promise<void> {
  const conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
  const state = { buf: new Uint8Array(64 * 1024), len: 0 };
  try {
    for (let i = c; i < count; i += clients) {
      await conn.write(request(i));
      const status = await response(conn, state);
      if (status !== (verb === "create" ? 201 : 200)) {
        throw new Error(`${verb} ${prefix}${i}: HTTP ${status}`);
      }
    }
  } finally {
    conn.close();
  }
}

const t = performance.now();
await Promise.all([...Array(clients)].map((_, c) => lane(c)));
console.log(Math.round(count / (performance.now() - t) * 1000));
