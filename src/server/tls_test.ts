import assert from "node:assert/strict";
import { rejects, tempDir } from "./_test_helpers.ts";
import { haveKubectl, Kubectl } from "../../tests/_kubectl.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import {
  bearerTokenMatches,
  type CertificateKeyPair,
  ensureServingCertificates,
  ensureToken,
  generateCertificateAuthority,
  generateServingCertificate,
  parseCertificate,
} from "./tls.ts";

const DAY = 24 * 60 * 60 * 1000;
const VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-k1s",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.23.0",
  compiler: "gc",
  platform: "linux/amd64",
};
const UNAUTHORIZED = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Unauthorized",
  reason: "Unauthorized",
  code: 401,
};

/** An HTTPS server answering `/version` to holders of `token`, recording what it saw. */
function versionServer(serving: CertificateKeyPair, token: string) {
  const seen: { path: string; authorization: string | null; userAgent: string | null }[] = [];
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: serving.certPem,
      key: serving.keyPem,
      onListen() {},
      onError: () => new Response("internal error", { status: 500 }),
    },
    (req) => {
      const url = new URL(req.url);
      seen.push({
        path: url.pathname,
        authorization: req.headers.get("authorization"),
        userAgent: req.headers.get("user-agent"),
      });
      if (!bearerTokenMatches(req.headers.get("authorization"), token)) {
        return Response.json(UNAUTHORIZED, { status: 401 });
      }
      if (url.pathname === "/version") return Response.json(VERSION);
      return Response.json(
        { ...UNAUTHORIZED, message: "not found", reason: "NotFound", code: 404 },
        {
          status: 404,
        },
      );
    },
  );
  return {
    port: server.addr.port,
    url: `https://127.0.0.1:${server.addr.port}`,
    seen,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** True when `cmd` runs; otherwise one line naming it (and a failure under CI=true). */
async function have(cmd: string, args: string[], check = (_out: string) => true): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    if (out.success && check(new TextDecoder().decode(out.stdout))) return true;
  } catch { /* not installed */ }
  const why = `skipped: ${cmd} is not installed (install it to run this test)`;
  if (Deno.env.get("CI") === "true") throw new Error(why);
  console.log(why);
  return false;
}

/** Real Node.js: without one on PATH, Deno runs `node` as itself (its Node compatibility). */
const haveNode = () =>
  have("node", ["-e", "process.stdout.write(typeof Deno)"], (out) => out === "undefined");

// ---------------------------------------------------------------------------
// Real clients
// ---------------------------------------------------------------------------

Deno.test("kubectl 1.32 verifies the serving certificate with the kubeconfig's CA and sends the token", async () => {
  if (!haveKubectl(32)) return;
  await using dir = await tempDir("k1s-tls-");
  const tls = await ensureServingCertificates(`${dir.path}/pki`, { hosts: ["k1s.test"] });
  const token = await ensureToken(`${dir.path}/pki/token`);
  await using server = versionServer({ certPem: tls.certPem, keyPem: tls.keyPem }, token);
  const kubectl = async (
    name: string,
    args: string[],
    options: Parameters<typeof writeKubeconfig>[1],
  ) => {
    const config = `${dir.path}/${name}.kubeconfig`;
    await writeKubeconfig(config, options);
    const cache = await Deno.makeTempDir({ dir: dir.path, prefix: "cache-" });
    return await new Kubectl(32, config, cache).run(args);
  };

  const ok = await kubectl("ok", ["get", "--raw", "/version"], {
    server: server.url,
    caPem: tls.caPem,
    token,
  });
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual(JSON.parse(ok.out), VERSION);
  const last = server.seen.at(-1)!;
  assert.equal(last.authorization, `Bearer ${token}`);
  assert.match(last.userAgent ?? "", /^kubectl/);

  const wrong = await kubectl("wrong", ["get", "--raw", "/version"], {
    server: server.url,
    caPem: tls.caPem,
    token: "not-the-token",
  });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.err, /Unauthorized/);
  assert.equal(server.seen.at(-1)!.authorization, "Bearer not-the-token");

  const insecure = await kubectl("insecure", ["get", "--raw", "/version"], {
    server: server.url,
    insecureSkipTlsVerify: true,
    token,
  });
  assert.equal(insecure.code, 0, insecure.err);

  // Verification is real: another CA is refused, and so is a name the certificate lacks.
  const other = await generateCertificateAuthority();
  const seenBefore = server.seen.length;
  const untrusted = await kubectl("untrusted", ["get", "--raw", "/version"], {
    server: server.url,
    caPem: other.certPem,
    token,
  });
  assert.notEqual(untrusted.code, 0);
  assert.match(untrusted.err, /certificate signed by unknown authority/);
  assert.equal(server.seen.length, seenBefore, "no request may get past the TLS handshake");

  const named = await kubectl("named", ["get", "--raw", "/version", "--tls-server-name=k1s.test"], {
    server: server.url,
    caPem: tls.caPem,
    token,
  });
  assert.equal(named.code, 0, named.err);
  const local = await kubectl(
    "local",
    ["get", "--raw", "/version", "--tls-server-name=localhost"],
    {
      server: server.url,
      caPem: tls.caPem,
      token,
    },
  );
  assert.equal(local.code, 0, local.err);
  const misnamed = await kubectl(
    "misnamed",
    ["get", "--raw", "/version", "--tls-server-name=other.test"],
    { server: server.url, caPem: tls.caPem, token },
  );
  assert.notEqual(misnamed.code, 0);
  assert.match(misnamed.err, /not other\.test/);
});

Deno.test("Deno's fetch trusts the serving certificate through the CA; the token decides 200 or 401", async () => {
  await using dir = await tempDir("k1s-tls-");
  const tls = await ensureServingCertificates(dir.path);
  await using server = versionServer(tls, "s3cret");
  using client = Deno.createHttpClient({ caCerts: [tls.caPem] });

  const ok = await fetch(`${server.url}/version`, {
    client,
    headers: { authorization: "Bearer s3cret" },
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), VERSION);

  const denied = await fetch(`${server.url}/version`, {
    client,
    headers: { authorization: "Bearer s3creT" },
  });
  assert.equal(denied.status, 401);
  assert.deepEqual(await denied.json(), UNAUTHORIZED);

  // Without the CA the handshake fails: the certificate is not trusted by default.
  const err = await fetch(`${server.url}/version`).then(() => undefined, (e) => e);
  assert.ok(err instanceof TypeError, "fetch without the CA must fail");
  assert.match(String(err.cause ?? err.message), /UnknownIssuer|certificate/i);
});

Deno.test("Node's https (OpenSSL) accepts the serving certificate with the CA and refuses it without", async () => {
  if (!await haveNode()) return;
  await using dir = await tempDir("k1s-tls-");
  const tls = await ensureServingCertificates(dir.path, { hosts: ["k1s.test"] });
  await using server = versionServer(tls, "s3cret");
  const script = `
    const https = require("node:https");
    const get = (opts) => new Promise((resolve) => {
      const req = https.get({ host: "127.0.0.1", port: ${server.port}, path: "/version", ...opts }, (res) => {
        let body = "";
        res.on("data", (c) => body += c);
        res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
      });
      req.on("error", (e) => resolve({ error: e.code }));
    });
    (async () => {
      const ca = process.env.K1S_CA;
      const auth = { authorization: "Bearer s3cret" };
      console.log(JSON.stringify({
        ok: await get({ ca, headers: auth }),
        byName: await get({ ca, headers: auth, servername: "k1s.test" }),
        wrongToken: await get({ ca, headers: { authorization: "Bearer nope" } }),
        noCa: await get({ headers: auth }),
      }));
    })();`;
  const out = await new Deno.Command("node", {
    args: ["-e", script],
    env: { K1S_CA: tls.caPem },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(r.ok, { status: 200, body: VERSION });
  assert.deepEqual(r.byName, { status: 200, body: VERSION });
  assert.deepEqual(r.wrongToken, { status: 401, body: UNAUTHORIZED });
  assert.match(r.noCa.error, /CERT|SIGNATURE|SELF_SIGNED/);
});

Deno.test("openssl verify -x509_strict accepts the chain for TLS server use", async () => {
  if (!await have("openssl", ["version"])) return;
  await using dir = await tempDir("k1s-tls-");
  const tls = await ensureServingCertificates(dir.path, { hosts: ["k1s.test", "10.0.0.7"] });
  const out = await new Deno.Command("openssl", {
    args: ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", tls.paths.caCert],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = out.stdin.getWriter();
  await w.write(new TextEncoder().encode(tls.certPem));
  await w.close();
  const res = await out.output();
  const text = new TextDecoder().decode(res.stdout) + new TextDecoder().decode(res.stderr);
  assert.equal(res.code, 0, text);
  assert.match(text, /OK/);
});

// ---------------------------------------------------------------------------
// Certificate contents
// ---------------------------------------------------------------------------

Deno.test("the CA and serving certificates carry the names, lifetimes and flags asked for", async () => {
  const now = new Date("2030-06-01T12:00:00.500Z");
  const ca = await generateCertificateAuthority({ now });
  const serving = await generateServingCertificate(ca, {
    now,
    hosts: ["K1S.Example.", "[fe80::1]", "::ffff:10.0.0.1", "2001:db8:0:0:1:0:0:1", "10.1.2.3"],
  });
  const c = parseCertificate(ca.certPem);
  const s = parseCertificate(serving.certPem);
  assert.equal(c.isCA, true);
  assert.equal(s.isCA, false);
  const second = new Date("2030-06-01T12:00:00Z").getTime();
  assert.equal(c.notBefore.getTime(), second - 60_000);
  assert.equal(c.notAfter.getTime(), second + 3650 * DAY);
  assert.equal(s.notBefore.getTime(), second - 60_000);
  assert.equal(s.notAfter.getTime(), second + 365 * DAY);
  assert.deepEqual(s.dnsNames, ["localhost", "k1s.example"]);
  assert.deepEqual(s.ipAddresses, [
    "127.0.0.1",
    "::1",
    "fe80::1",
    "::ffff:a00:1",
    "2001:db8::1:0:0:1",
    "10.1.2.3",
  ]);
  assert.equal(s.authorityKeyId, c.subjectKeyId);
  assert.match(c.subjectKeyId!, /^[0-9a-f]{40}$/);
  assert.notEqual(s.subjectKeyId, c.subjectKeyId);
  for (const cert of [c, s]) assert.match(cert.serialNumber, /^[4-7][0-9a-f]{31}$/);
  assert.notEqual(c.serialNumber, s.serialNumber);
  assert.match(
    serving.keyPem,
    /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/,
  );
  assert.match(
    ca.certPem,
    /^-----BEGIN CERTIFICATE-----\n(.{64}\n)+.{1,64}\n-----END CERTIFICATE-----\n$/,
  );
});

Deno.test("validity dates from 2050 are GeneralizedTime; the serving certificate never outlives its CA", async () => {
  const ca = await generateCertificateAuthority({
    now: new Date("2049-12-01T00:00:00Z"),
    validityDays: 60,
  });
  const c = parseCertificate(ca.certPem);
  assert.equal(c.notAfter.toISOString(), "2050-01-30T00:00:00.000Z");
  const s = parseCertificate(
    (await generateServingCertificate(ca, { now: new Date("2049-12-10T00:00:00Z") })).certPem,
  );
  assert.equal(s.notAfter.getTime(), c.notAfter.getTime());
});

Deno.test("hosts that are neither IP addresses nor DNS names are refused", async () => {
  await using dir = await tempDir("k1s-tls-");
  for (
    const host of [
      "",
      "bad host",
      "a..b",
      "1.2.3.4.5:80",
      "fe80::1%eth0",
      "-x.test",
      `${"a".repeat(64)}.test`,
    ]
  ) {
    await rejects(
      ensureServingCertificates(dir.path, { hosts: [host] }),
      `Cannot put host "${host}" in a serving certificate`,
    );
  }
  // Nothing was written for a refused host.
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});

// ---------------------------------------------------------------------------
// Files: reuse, regeneration, bad input
// ---------------------------------------------------------------------------

Deno.test("ensureServingCertificates writes four files (keys 0600) and reuses them", async () => {
  await using dir = await tempDir("k1s-tls-");
  const pki = `${dir.path}/nested/pki`;
  const first = await ensureServingCertificates(pki);
  assert.deepEqual(first.generated, { ca: true, serving: true });
  assert.deepEqual(first.paths, {
    caCert: `${pki}/ca.crt`,
    caKey: `${pki}/ca.key`,
    cert: `${pki}/serving.crt`,
    key: `${pki}/serving.key`,
  });
  assert.equal(await Deno.readTextFile(first.paths.caCert), first.caPem);
  assert.equal(await Deno.readTextFile(first.paths.cert), first.certPem);
  assert.equal(await Deno.readTextFile(first.paths.key), first.keyPem);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(first.paths.caKey)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(first.paths.key)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(pki)).mode! & 0o077, 0);
  }
  const mtimes = await Promise.all(
    Object.values(first.paths).map(async (p) => (await Deno.stat(p)).mtime),
  );

  const again = await ensureServingCertificates(pki, { hosts: ["localhost", "127.0.0.1"] });
  assert.deepEqual(again.generated, { ca: false, serving: false });
  assert.equal(again.caPem, first.caPem);
  assert.equal(again.certPem, first.certPem);
  assert.equal(again.keyPem, first.keyPem);
  assert.equal(again.notAfter.getTime(), first.notAfter.getTime());
  assert.deepEqual(
    await Promise.all(Object.values(first.paths).map(async (p) => (await Deno.stat(p)).mtime)),
    mtimes,
  );
  assert.deepEqual([...Deno.readDirSync(pki)].map((e) => e.name).sort(), [
    "ca.crt",
    "ca.key",
    "serving.crt",
    "serving.key",
  ]);
});

Deno.test("a new host regenerates the serving pair under the same CA", async () => {
  await using dir = await tempDir("k1s-tls-");
  const first = await ensureServingCertificates(dir.path, { hosts: ["a.test"] });
  const more = await ensureServingCertificates(dir.path, { hosts: ["a.test", "192.168.1.9"] });
  assert.deepEqual(more.generated, { ca: false, serving: true });
  assert.equal(more.caPem, first.caPem);
  assert.notEqual(more.keyPem, first.keyPem);
  const s = parseCertificate(more.certPem);
  assert.deepEqual(s.dnsNames, ["localhost", "a.test"]);
  assert.ok(s.ipAddresses.includes("192.168.1.9"));
  // Fewer hosts than the certificate covers: reused.
  const fewer = await ensureServingCertificates(dir.path, { hosts: ["192.168.1.9"] });
  assert.deepEqual(fewer.generated, { ca: false, serving: false });
  assert.equal(fewer.certPem, more.certPem);
  const other = await ensureServingCertificates(dir.path, { hosts: ["b.test"] });
  assert.deepEqual(other.generated, { ca: false, serving: true });
  assert.deepEqual(parseCertificate(other.certPem).dnsNames, ["localhost", "b.test"]);
});

Deno.test("certificates expiring within 30 days are renewed; the CA only when it expires", async () => {
  await using dir = await tempDir("k1s-tls-");
  const now = Date.now();
  const old = await ensureServingCertificates(dir.path, { now: new Date(now - 340 * DAY) });
  const renewed = await ensureServingCertificates(dir.path);
  assert.deepEqual(renewed.generated, { ca: false, serving: true });
  assert.equal(renewed.caPem, old.caPem);
  assert.ok(renewed.notAfter.getTime() > now + 364 * DAY);

  // 29 days before the CA expires it is renewed too, and the serving pair with it.
  const caDays = await ensureServingCertificates(dir.path, {
    now: new Date(now + (3650 - 29) * DAY),
  });
  assert.deepEqual(caDays.generated, { ca: true, serving: true });
  assert.notEqual(caDays.caPem, old.caPem);
});

Deno.test("a serving pair that does not match its key or the CA is regenerated", async () => {
  await using dir = await tempDir("k1s-tls-");
  const first = await ensureServingCertificates(dir.path);
  // A key that is not the certificate's.
  await Deno.writeTextFile(first.paths.key, await Deno.readTextFile(first.paths.caKey));
  const fixed = await ensureServingCertificates(dir.path);
  assert.deepEqual(fixed.generated, { ca: false, serving: true });
  assert.equal(await Deno.readTextFile(first.paths.key), fixed.keyPem);

  // A serving certificate from another CA (its files copied in).
  const other = await generateServingCertificate(await generateCertificateAuthority());
  await Deno.writeTextFile(first.paths.cert, other.certPem);
  await Deno.writeTextFile(first.paths.key, other.keyPem);
  const resigned = await ensureServingCertificates(dir.path);
  assert.deepEqual(resigned.generated, { ca: false, serving: true });
  assert.equal(
    parseCertificate(resigned.certPem).authorityKeyId,
    parseCertificate(first.caPem).subjectKeyId,
  );

  // A missing serving file.
  await Deno.remove(first.paths.cert);
  assert.deepEqual((await ensureServingCertificates(dir.path)).generated, {
    ca: false,
    serving: true,
  });
});

Deno.test("corrupt or half-present files are errors naming the file, never silently replaced", async () => {
  await using dir = await tempDir("k1s-tls-");
  const first = await ensureServingCertificates(dir.path);

  await Deno.writeTextFile(
    first.paths.cert,
    "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
  );
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.cert}"`,
    "not valid base64",
    "delete it",
  );
  await Deno.writeTextFile(
    first.paths.cert,
    "-----BEGIN CERTIFICATE-----\nMIIBIjAN\n-----END CERTIFICATE-----\n",
  );
  await rejects(ensureServingCertificates(dir.path), `"${first.paths.cert}"`, "not valid DER");
  await Deno.writeTextFile(first.paths.cert, first.certPem);

  await Deno.writeTextFile(first.paths.caKey, "garbage");
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.caKey}"`,
    'no "PRIVATE KEY" PEM block',
  );
  await Deno.writeTextFile(
    first.paths.caKey,
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
  );
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.caKey}"`,
    "not a PKCS#8 ECDSA P-256",
  );
  // The serving key in place of the CA's: a key, but not the CA's.
  await Deno.writeTextFile(first.paths.caKey, first.keyPem);
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.caKey}"`,
    "not the key of the certificate",
  );

  await Deno.remove(first.paths.caKey);
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.caCert}" exists but "${first.paths.caKey}" does not`,
  );
  await Deno.writeTextFile(first.paths.caCert, first.certPem);
  await Deno.writeTextFile(first.paths.caKey, first.keyPem);
  await rejects(
    ensureServingCertificates(dir.path),
    `"${first.paths.caCert}"`,
    "not a CA certificate",
  );
});

Deno.test("concurrent callers on a fresh directory generate once and agree", async () => {
  await using dir = await tempDir("k1s-tls-");
  const all = await Promise.all(
    Array.from({ length: 6 }, () => ensureServingCertificates(dir.path)),
  );
  assert.equal(all.filter((r) => r.generated.ca).length, 1);
  for (const r of all) {
    assert.equal(r.caPem, all[0].caPem);
    assert.equal(r.certPem, all[0].certPem);
  }
  assert.ok(
    ![...Deno.readDirSync(dir.path)].some((e) =>
      e.name.includes(".lock") || e.name.includes(".tmp")
    ),
  );
});
