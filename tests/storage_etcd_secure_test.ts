// The etcd store on a secured etcd: TLS with client certificates, and user/password auth.
import assert from "node:assert/strict";
import { openStore, StoreError } from "../src/storage/mod.ts";
import { etcdMissing, makeEtcdTls, startEtcd } from "./_etcd.ts";

const ignore = etcdMissing !== undefined;

Deno.test({ name: "etcd over TLS with a client certificate", ignore }, async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-etcd-tls-" });
  try {
    const tls = await makeEtcdTls(dir);
    await using etcd = await startEtcd(1, tls);
    const ip = etcd.members[0].endpoint;
    // Over TLS, members are named by host name (see openEtcdStore).
    const endpoint = ip.replace("127.0.0.1", "localhost");
    const creds = `cacert=${tls.ca}&cert=${tls.clientCert}&key=${tls.clientKey}`;
    const url = `etcd://${endpoint}/secure?${creds}`;
    {
      await using store = await openStore(url);
      const rev = await store.create("/a", "1");
      assert.equal((await store.get("/a"))?.revision, rev);
      const events = store.watch("/", rev - 1)[Symbol.asyncIterator]();
      assert.equal((await events.next()).value?.key, "/a");
      await events.return?.();
    }
    // Plain text to a TLS port, or TLS without the client certificate: unavailable, quickly.
    for (const bad of [`etcd://${endpoint}/secure`, `etcd://${endpoint}/secure?cacert=${tls.ca}`]) {
      await assert.rejects(
        openStore(`${bad}${bad.includes("?") ? "&" : "?"}dialTimeoutMs=1000`),
        (e) => {
          assert.ok(e instanceof StoreError && e.code === "unavailable", String(e));
          assert.match(e.message, new RegExp(endpoint.replace(/\./g, "\\.")));
          return true;
        },
      );
    }
    // An IP address over TLS: said at once.
    await assert.rejects(openStore(`etcd://${ip}/secure?${creds}`), (e) => {
      assert.ok(e instanceof TypeError, String(e));
      assert.match(e.message, /host name/);
      return true;
    });
    // A certificate file that is not there is named.
    await assert.rejects(openStore(`etcd://${endpoint}/x?cacert=${dir}/missing.crt`), (e) => {
      assert.ok(e instanceof StoreError && e.code === "unavailable");
      assert.match(e.message, /missing\.crt/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({ name: "etcd with user and password auth", ignore }, async () => {
  await using etcd = await startEtcd(1);
  const endpoint = etcd.members[0].endpoint;
  const ctl = async (...args: string[]) => {
    const out = await new Deno.Command("etcdctl", {
      args: ["--endpoints", endpoint, ...args],
      env: { ETCDCTL_API: "3" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
  };
  await ctl("user", "add", "root:rootpw");
  await ctl("user", "add", "k1s:s3cret");
  await ctl("role", "add", "k1s");
  await ctl("role", "grant-permission", "k1s", "--prefix=true", "readwrite", "/k1s/");
  await ctl("role", "grant-permission", "k1s", "readwrite", "compact_rev_key");
  await ctl("user", "grant-role", "k1s", "k1s");
  await ctl("auth", "enable");
  {
    await using store = await openStore(`etcd://k1s:s3cret@${endpoint}/k1s`);
    await store.create("/a", "1");
    assert.equal((await store.list("")).items.length, 1);
  }
  await assert.rejects(openStore(`etcd://k1s:wrong@${endpoint}/k1s?dialTimeoutMs=1000`), (e) => {
    assert.ok(e instanceof StoreError && e.code === "unavailable", String(e));
    assert.doesNotMatch(e.message, /wrong/);
    assert.match(e.message, /authentication failed|password/);
    return true;
  });
  // Outside the granted prefix: refused, not a crash.
  await using other = await openStore(`etcd://k1s:s3cret@${endpoint}/elsewhere`);
  await assert.rejects(other.create("/a", "1"), (e) => {
    assert.ok(e instanceof StoreError && e.code === "unavailable", String(e));
    assert.match(e.message, /permission denied/);
    return true;
  });
});
