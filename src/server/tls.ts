/**
 * TLS material for `k1s serve`: a self-signed certificate authority, a
 * serving certificate signed by it, and the bearer token clients present.
 *
 * kubectl and client-go send credentials only to an `https://` server, so a
 * server that checks a bearer token must speak TLS. The certificates are
 * generated once with WebCrypto (ECDSA P-256, SHA-256 signatures, X.509 v3;
 * see `x509.ts` and its DER encoder `der.ts`), kept beside the store and
 * reused while they cover the requested hosts and are not about to expire.
 * This module keeps those files; it also re-exports the certificate API of
 * `x509.ts` and the bearer-token API of `token.ts`.
 *
 * Files kept in the certificate directory:
 * - `ca.crt`, `ca.key`: the certificate authority (10 years). Clients trust
 *   `ca.crt` (kubeconfig `certificate-authority-data`).
 * - `serving.crt`, `serving.key`: the server's certificate (1 year) for
 *   127.0.0.1, ::1, localhost and any extra hosts asked for.
 *
 * Keys are PKCS#8 PEM files with mode 0600.
 *
 * @example
 * ```ts
 * import { ensureServingCertificates, ensureToken } from "./tls.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const tls = await ensureServingCertificates(dir);
 * const token = await ensureToken(`${dir}/token`);
 * assert.match(tls.certPem, /^-----BEGIN CERTIFICATE-----/);
 * assert.equal((await ensureServingCertificates(dir)).certPem, tls.certPem);
 * assert.equal(await ensureToken(`${dir}/token`), token);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import type { Bytes } from "./der.ts";
import {
  type CertificateKeyPair,
  formatIP,
  generateCertificateAuthority,
  generateServingCertificate,
  hostsList,
  importPrivateKey,
  type ParsedCertificate,
  parsePem,
  publicPointOf,
  sanKey,
  signedBy,
  type SubjectAltName,
} from "./x509.ts";

export {
  type CertificateAuthorityOptions,
  type CertificateInfo,
  type CertificateKeyPair,
  DEFAULT_HOSTS,
  generateCertificateAuthority,
  generateServingCertificate,
  parseCertificate,
  type ServingCertificateOptions,
} from "./x509.ts";
export { bearerTokenMatches, ensureToken, timingSafeEqualString } from "./token.ts";
import { readOptional } from "./token.ts";
import { withFileLock } from "./file_lock.ts";

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/** Where {@linkcode ensureServingCertificates} keeps its files. */
export interface ServingCertificatePaths {
  /** `DIR/ca.crt`. */
  caCert: string;
  /** `DIR/ca.key` (mode 0600). */
  caKey: string;
  /** `DIR/serving.crt`. */
  cert: string;
  /** `DIR/serving.key` (mode 0600). */
  key: string;
}

/** What {@linkcode ensureServingCertificates} returns. */
export interface ServingCertificates {
  /** The CA certificate clients trust (PEM). */
  caPem: string;
  /** The serving certificate (PEM), for `Deno.serve({ cert })`. */
  certPem: string;
  /** The serving key (PKCS#8 PEM), for `Deno.serve({ key })`. */
  keyPem: string;
  /** The four files. */
  paths: ServingCertificatePaths;
  /** What this call generated: nothing (reuse), the serving pair, or also the CA. */
  generated: { ca: boolean; serving: boolean };
  /** When the serving certificate expires. */
  notAfter: Date;
}

/** Options of {@linkcode ensureServingCertificates}. */
export interface EnsureServingCertificatesOptions {
  /** Hosts and IP addresses to cover besides 127.0.0.1, ::1 and localhost. */
  hosts?: readonly string[];
  /** The current time (for tests); default now. */
  now?: Date;
}

/** Certificates expiring within this (30 days) are renewed. */
const RENEW_BEFORE = 30 * 24 * 60 * 60_000;

const sameBytes = (a: Bytes, b: Bytes): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function fileError(path: string, what: string, e: unknown): Error {
  return new Error(
    `Cannot use "${path}": ${(e as Error).message}; delete it to have k1s generate a new ${what}`,
    { cause: e },
  );
}

interface Loaded {
  ca?: CertificateKeyPair & { cert: ParsedCertificate };
  serving?: CertificateKeyPair & { cert: ParsedCertificate; matchesKey: boolean };
}

async function load(paths: ServingCertificatePaths): Promise<Loaded> {
  const [caCrt, caKey, crt, key] = await Promise.all(
    [paths.caCert, paths.caKey, paths.cert, paths.key].map(readOptional),
  );
  const out: Loaded = {};
  if ((caCrt === undefined) !== (caKey === undefined)) {
    const [has, lacks] = caCrt === undefined
      ? [paths.caKey, paths.caCert]
      : [paths.caCert, paths.caKey];
    throw new Error(
      `Cannot use the certificate authority: "${has}" exists but "${lacks}" does not; ` +
        `restore it, or delete "${has}" to have k1s generate a new CA (clients must then trust the new ca.crt)`,
    );
  }
  if (caCrt !== undefined && caKey !== undefined) {
    let cert: ParsedCertificate;
    try {
      cert = parsePem(caCrt);
    } catch (e) {
      throw fileError(paths.caCert, "certificate authority", e);
    }
    if (!cert.isCA) {
      throw fileError(
        paths.caCert,
        "certificate authority",
        new Error("it is not a CA certificate"),
      );
    }
    let point: Bytes;
    try {
      point = await publicPointOf(await importPrivateKey(caKey));
    } catch (e) {
      throw fileError(paths.caKey, "certificate authority", e);
    }
    if (!sameBytes(point, cert.publicPoint)) {
      throw fileError(
        paths.caKey,
        "certificate authority",
        new Error(`it is not the key of the certificate in "${paths.caCert}"`),
      );
    }
    out.ca = { certPem: caCrt, keyPem: caKey, cert };
  }
  if (crt !== undefined && key !== undefined) {
    let cert: ParsedCertificate;
    try {
      cert = parsePem(crt);
    } catch (e) {
      throw fileError(paths.cert, "serving certificate", e);
    }
    let point: Bytes;
    try {
      point = await publicPointOf(await importPrivateKey(key));
    } catch (e) {
      throw fileError(paths.key, "serving certificate", e);
    }
    out.serving = {
      certPem: crt,
      keyPem: key,
      cert,
      matchesKey: sameBytes(point, cert.publicPoint),
    };
  }
  return out;
}

function validAt(cert: ParsedCertificate, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() &&
    cert.notAfter.getTime() - now.getTime() > RENEW_BEFORE;
}

async function servingUsable(
  loaded: Loaded,
  wanted: SubjectAltName[],
  now: Date,
): Promise<boolean> {
  const { ca, serving } = loaded;
  if (!ca || !serving || !serving.matchesKey || !validAt(serving.cert, now)) return false;
  const have = new Set(serving.cert.sans.map(sanKey));
  if (!wanted.every((s) => have.has(sanKey(s)))) return false;
  return await signedBy(serving.cert, ca.cert);
}

/** Writes `data` to `path` through a temporary file and a rename, so readers never see half a file. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(tmp, data, { mode, createNew: true });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot write "${path}": ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Returns the CA and serving certificate kept in `dir`, generating what is
 * missing or unusable.
 *
 * Expected flow: the first call creates `dir` (mode 0700) with `ca.crt`,
 * `ca.key`, `serving.crt` and `serving.key`; later calls read and reuse them.
 *
 * Guarantees:
 * - The serving pair is reused while its key matches its certificate, the CA
 *   in `dir` signed it, it covers 127.0.0.1, ::1, localhost and `hosts`, and
 *   it does not expire within 30 days. Otherwise it is regenerated (hosts a
 *   reused certificate covers beyond those asked for are kept).
 * - The CA is generated only when `ca.crt` and `ca.key` are both absent or
 *   the CA expires within 30 days; clients then need the new `caPem`.
 * - Keys are written with mode 0600, each file through a rename; a lock file
 *   (`dir/.certificates.lock`) makes concurrent callers generate once.
 *
 * Errors: a file that exists but is not a PEM certificate or PKCS#8 ECDSA
 * P-256 key, a CA key that does not match `ca.crt`, or only one of
 * `ca.crt`/`ca.key`, is an error naming the file (these are never silently
 * replaced: replacing the CA would break every client that trusts it).
 *
 * @example
 * ```ts
 * import { ensureServingCertificates } from "./tls.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const first = await ensureServingCertificates(dir, { hosts: ["k1s.local"] });
 * const again = await ensureServingCertificates(dir);
 * assert.deepEqual(again.generated, { ca: false, serving: false });
 * assert.equal(again.certPem, first.certPem);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureServingCertificates(
  dir: string,
  options: EnsureServingCertificatesOptions = {},
): Promise<ServingCertificates> {
  const wanted = hostsList(options.hosts);
  const now = options.now ?? new Date();
  const paths: ServingCertificatePaths = {
    caCert: `${dir}/ca.crt`,
    caKey: `${dir}/ca.key`,
    cert: `${dir}/serving.crt`,
    key: `${dir}/serving.key`,
  };
  const result = (
    ca: CertificateKeyPair,
    serving: CertificateKeyPair,
    notAfter: Date,
    generated: { ca: boolean; serving: boolean },
  ): ServingCertificates => ({
    caPem: ca.certPem,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    paths,
    generated,
    notAfter,
  });

  const first = await load(paths);
  if (first.ca && validAt(first.ca.cert, now) && await servingUsable(first, wanted, now)) {
    return result(first.ca, first.serving!, first.serving!.cert.notAfter, {
      ca: false,
      serving: false,
    });
  }

  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new Error(`Cannot create certificate directory "${dir}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  // Two servers starting at once generate once.
  const lock = `${dir}/.certificates.lock`;
  return await withFileLock(lock, {
    waitMs: 10_000,
    cannotCreate: (why) => `Cannot create lock file "${lock}": ${why}`,
    held: `Cannot generate certificates: "${lock}" is held by another process; ` +
      "delete it if no k1s is starting",
  }, async () => {
    // Another process may have generated while this one waited for the lock.
    const loaded = await load(paths);
    let ca: CertificateKeyPair | undefined = loaded.ca;
    const newCA = !loaded.ca || !validAt(loaded.ca.cert, now);
    if (newCA) {
      ca = await generateCertificateAuthority({ now });
      await writeAtomic(paths.caKey, ca.keyPem, 0o600);
      await writeAtomic(paths.caCert, ca.certPem, 0o644);
    } else if (await servingUsable(loaded, wanted, now)) {
      return result(ca!, loaded.serving!, loaded.serving!.cert.notAfter, {
        ca: false,
        serving: false,
      });
    }
    const hosts = wanted.map((s) => s.kind === "dns" ? s.name : formatIP(s.bytes));
    const serving = await generateServingCertificate(ca!, { hosts, now });
    await writeAtomic(paths.key, serving.keyPem, 0o600);
    await writeAtomic(paths.cert, serving.certPem, 0o644);
    return result(ca!, serving, parsePem(serving.certPem).notAfter, { ca: newCA, serving: true });
  });
}
