/**
 * X.509 certificates for `k1s serve`: the hosts a serving certificate names,
 * reading certificates back ({@linkcode parseCertificate}), and generating a
 * self-signed certificate authority and serving certificates signed by it
 * with WebCrypto (ECDSA P-256 keys, SHA-256 signatures, X.509 v3 written by
 * the DER encoder in `der.ts`).
 *
 * @example
 * ```ts
 * import { generateCertificateAuthority, generateServingCertificate, parseCertificate } from "./x509.ts";
 * import assert from "node:assert/strict";
 *
 * const ca = await generateCertificateAuthority();
 * const serving = await generateServingCertificate(ca, { hosts: ["10.0.0.7"] });
 * const info = parseCertificate(serving.certPem);
 * assert.deepEqual(info.ipAddresses, ["127.0.0.1", "::1", "10.0.0.7"]);
 * assert.equal(info.authorityKeyId, parseCertificate(ca.certPem).subjectKeyId);
 * ```
 *
 * @module
 */

import {
  bitString,
  booleanTrue,
  type Bytes,
  children,
  concat,
  decodeObjectIdentifier,
  decodeTime,
  DerError,
  ecdsaSignatureFromDer,
  ecdsaSignatureToDer,
  expectTag,
  explicit,
  implicit,
  integer,
  objectIdentifier,
  octetString,
  OID,
  pem,
  pemBlock,
  readNode,
  sequence,
  setOf1,
  smallInteger,
  time,
  utf8String,
} from "./der.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();

// ---------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------

/** The hosts every serving certificate covers. */
export const DEFAULT_HOSTS: readonly string[] = Object.freeze(["127.0.0.1", "::1", "localhost"]);

function parseIPv4(s: string): Bytes | undefined {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return Uint8Array.from(parts.map(Number));
}

function parseIPv6(s: string): Bytes | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, p] of pieces.entries()) {
      if (i === pieces.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** A subject alternative name: IP address bytes (4 or 16) or a lower-case DNS name. */
export type SubjectAltName = { kind: "ip"; bytes: Bytes } | { kind: "dns"; name: string };

/** A host as a certificate names it: an IP address or a (lower-case) DNS name. */
function subjectAltName(host: string): SubjectAltName {
  const h = host.trim().replace(/^\[(.*)\]$/, "$1");
  const ip = parseIPv4(h) ?? parseIPv6(h);
  if (ip) return { kind: "ip", bytes: ip };
  const dns = h.toLowerCase().replace(/\.$/, "");
  if (
    dns.length > 0 && dns.length <= 253 && DNS_NAME.test(dns) &&
    dns.split(".").every((label) => label.length <= 63)
  ) return { kind: "dns", name: dns };
  throw new Error(
    `Cannot put host "${host}" in a serving certificate: it is neither an IP address nor a DNS name`,
  );
}

/** A key equal for subject alternative names that name the same host. */
export function sanKey(san: SubjectAltName): string {
  if (san.kind === "dns") return `dns:${san.name}`;
  // An IPv4-mapped IPv6 address is the IPv4 address (as Go's net.IP.Equal sees it).
  const b = san.bytes;
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff &&
    b[11] === 0xff;
  return `ip:${Array.from(mapped ? b.subarray(12) : b).join(",")}`;
}

/** An IP address as text: dotted IPv4, or RFC 5952 IPv6. */
export function formatIP(bytes: Bytes): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** The default hosts and then `hosts` as subject alternative names, without duplicates. */
export function hostsList(hosts: readonly string[] | undefined): SubjectAltName[] {
  const seen = new Set<string>();
  const out: SubjectAltName[] = [];
  for (const h of [...DEFAULT_HOSTS, ...(hosts ?? [])]) {
    const san = subjectAltName(h);
    const k = sanKey(san);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(san);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading certificates
// ---------------------------------------------------------------------------

/** A certificate and its private key, both PEM. */
export interface CertificateKeyPair {
  /** The certificate, `-----BEGIN CERTIFICATE-----`. */
  certPem: string;
  /** The PKCS#8 private key, `-----BEGIN PRIVATE KEY-----`. */
  keyPem: string;
}

/** What {@linkcode parseCertificate} reads from a certificate. */
export interface CertificateInfo {
  /** The subject's common name, if it has one. */
  commonName?: string;
  /** Serial number, lower-case hex. */
  serialNumber: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** Whether basicConstraints says this is a certificate authority. */
  isCA: boolean;
  /** DNS names among the subject alternative names. */
  dnsNames: string[];
  /** IP addresses among the subject alternative names (dotted IPv4, RFC 5952 IPv6). */
  ipAddresses: string[];
  /** subjectKeyIdentifier, lower-case hex, if present. */
  subjectKeyId?: string;
  /** authorityKeyIdentifier's keyIdentifier, lower-case hex, if present. */
  authorityKeyId?: string;
}

/** A certificate as read by {@linkcode parsePem}: the facts and the DER parts to verify and reuse. */
export interface ParsedCertificate extends CertificateInfo {
  /** The tbsCertificate DER (what the signature covers). */
  tbs: Bytes;
  /** The subject Name DER (a signed certificate's issuer). */
  subjectRaw: Bytes;
  /** The subjectPublicKeyInfo DER. */
  spki: Bytes;
  /** The uncompressed EC point of the public key. */
  publicPoint: Bytes;
  /** The signature (DER `Ecdsa-Sig-Value`). */
  signature: Bytes;
  /** The signature algorithm OID, dotted. */
  signatureAlgorithm: string;
  /** The subject alternative names, in order. */
  sans: SubjectAltName[];
}

const hex = (b: Bytes): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function parseDer(der: Bytes): ParsedCertificate {
  const cert = expectTag(readNode(der, 0), 0x30, "certificate");
  if (cert.raw.length !== der.length) throw new DerError("trailing bytes after the certificate");
  const [tbsNode, algNode, sigNode] = children(cert);
  const tbs = expectTag(tbsNode, 0x30, "tbsCertificate");
  const signatureAlgorithm = decodeObjectIdentifier(
    expectTag(children(expectTag(algNode, 0x30, "signatureAlgorithm"))[0], 0x06, "algorithm"),
  );
  const sigBits = expectTag(sigNode, 0x03, "signature").content;
  const f = children(tbs);
  let i = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(f[i++], 0x02, "serialNumber");
  i++; // signature algorithm (repeated)
  expectTag(f[i++], 0x30, "issuer");
  const validity = children(expectTag(f[i++], 0x30, "validity"));
  const subject = expectTag(f[i++], 0x30, "subject");
  const spki = expectTag(f[i++], 0x30, "subjectPublicKeyInfo");
  const [spkiAlg, spkiKey] = children(spki);
  const algOids = children(expectTag(spkiAlg, 0x30, "public key algorithm"));
  const publicPoint = expectTag(spkiKey, 0x03, "public key").content.subarray(1);

  let commonName: string | undefined;
  for (const rdn of children(subject)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (type && value && decodeObjectIdentifier(type) === OID.commonName) {
        commonName = DEC.decode(value.content);
      }
    }
  }

  const info: ParsedCertificate = {
    commonName,
    serialNumber: hex(serial.content).replace(/^(00)+(?=.)/, ""),
    notBefore: decodeTime(validity[0] ?? expectTag(undefined, 0, "validity")),
    notAfter: decodeTime(validity[1] ?? expectTag(undefined, 0, "validity")),
    isCA: false,
    dnsNames: [],
    ipAddresses: [],
    tbs: tbs.raw,
    subjectRaw: subject.raw,
    spki: spki.raw,
    publicPoint,
    signature: sigBits.subarray(1),
    signatureAlgorithm,
    sans: [],
  };
  if (
    algOids.length !== 2 || decodeObjectIdentifier(algOids[0]) !== OID.ecPublicKey ||
    decodeObjectIdentifier(algOids[1]) !== OID.prime256v1
  ) {
    throw new DerError("the public key is not an ECDSA P-256 key");
  }

  const extsNode = f.slice(i).find((n) => n.tag === 0xa3);
  const exts = extsNode ? children(expectTag(children(extsNode)[0], 0x30, "extensions")) : [];
  for (const ext of exts) {
    const parts = children(ext);
    const oid = decodeObjectIdentifier(expectTag(parts[0], 0x06, "extension"));
    const value = readNode(expectTag(parts[parts.length - 1], 0x04, "extension").content, 0);
    if (oid === OID.basicConstraints) {
      const first = children(value)[0];
      info.isCA = first?.tag === 0x01 && first.content[0] !== 0;
    } else if (oid === OID.subjectAltName) {
      for (const gn of children(value)) {
        if (gn.tag === 0x82) {
          const name = DEC.decode(gn.content).toLowerCase();
          info.dnsNames.push(name);
          info.sans.push({ kind: "dns", name });
        } else if (gn.tag === 0x87) {
          info.ipAddresses.push(formatIP(gn.content));
          info.sans.push({ kind: "ip", bytes: gn.content });
        }
      }
    } else if (oid === OID.subjectKeyIdentifier) {
      info.subjectKeyId = hex(value.content);
    } else if (oid === OID.authorityKeyIdentifier) {
      const keyId = children(value).find((n) => n.tag === 0x80);
      if (keyId) info.authorityKeyId = hex(keyId.content);
    }
  }
  return info;
}

/**
 * The first `CERTIFICATE` block of a PEM text, parsed; malformed DER is an
 * error saying so.
 */
export function parsePem(text: string): ParsedCertificate {
  const der = pemBlock(text, "CERTIFICATE");
  try {
    return parseDer(der);
  } catch (e) {
    if (e instanceof DerError) throw new Error(`the certificate is not valid DER: ${e.message}`);
    throw e;
  }
}

/**
 * Reads the facts k1s relies on from a PEM certificate (the first
 * `CERTIFICATE` block): names, validity, whether it is a CA, key identifiers.
 * Only ECDSA P-256 certificates (the kind this module writes) are read.
 *
 * @example
 * ```ts
 * import { generateCertificateAuthority, parseCertificate } from "./x509.ts";
 * import assert from "node:assert/strict";
 *
 * const ca = await generateCertificateAuthority();
 * assert.equal(parseCertificate(ca.certPem).isCA, true);
 * ```
 */
export function parseCertificate(certPem: string): CertificateInfo {
  const p = parsePem(certPem);
  return {
    commonName: p.commonName,
    serialNumber: p.serialNumber,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    isCA: p.isCA,
    dnsNames: p.dnsNames,
    ipAddresses: p.ipAddresses,
    subjectKeyId: p.subjectKeyId,
    authorityKeyId: p.authorityKeyId,
  };
}

// ---------------------------------------------------------------------------
// Generating certificates
// ---------------------------------------------------------------------------

function name(organization: string, commonName: string): Bytes {
  const rdn = (oid: string, value: string) =>
    setOf1(sequence(objectIdentifier(oid), utf8String(value)));
  return sequence(rdn(OID.organization, organization), rdn(OID.commonName, commonName));
}

function extension(oid: string, critical: boolean, value: Bytes): Bytes {
  return critical
    ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

/** keyUsage named bits (bit 0 = digitalSignature, 5 = keyCertSign, 6 = cRLSign) as DER BIT STRING. */
function keyUsage(bits: number[]): Bytes {
  let value = 0;
  for (const b of bits) value |= 0x80 >> b;
  const last = Math.max(...bits);
  return bitString(Uint8Array.of(value), 7 - last);
}

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface SigningKey {
  privateKey: CryptoKey;
  /** PKCS#8 DER, with the public key (rustls' key parser requires it). */
  pkcs8: Bytes;
  spki: Bytes;
  keyId: Bytes;
}

/** The order of the P-256 group: a private key is a scalar in [1, n-1]. */
const P256_ORDER = Uint8Array.from(
  "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551".match(/../g)!,
  (h) => parseInt(h, 16),
);

function ecAlgorithm(): Bytes {
  return sequence(objectIdentifier(OID.ecPublicKey), objectIdentifier(OID.prime256v1));
}

function pkcs8(d: Bytes, point?: Bytes): Bytes {
  const ecPrivateKey = point
    ? sequence(smallInteger(1), octetString(d), explicit(1, bitString(point)))
    : sequence(smallInteger(1), octetString(d));
  return sequence(smallInteger(0), ecAlgorithm(), octetString(ecPrivateKey));
}

/**
 * A new P-256 key. The scalar comes from `crypto.getRandomValues` (uniform by
 * rejection) and WebCrypto derives the public key on import: the first
 * `crypto.subtle.generateKey` of an EC (or HMAC) key in a Deno 2.9 process
 * takes about 28 ms, a third of the start-up budget, where this takes < 2 ms.
 */
async function newKey(): Promise<SigningKey> {
  let d: Bytes;
  do d = crypto.getRandomValues(new Uint8Array(32)); while (!validScalar(d));
  const bare = await crypto.subtle.importKey("pkcs8", pkcs8(d), EC, true, ["sign"]);
  const point = await publicPointOf(bare);
  const der = pkcs8(d, point);
  const privateKey = await crypto.subtle.importKey("pkcs8", der, EC, false, ["sign"]);
  return {
    privateKey,
    pkcs8: der,
    spki: sequence(ecAlgorithm(), bitString(point)),
    keyId: await keyIdentifier(point),
  };
}

function validScalar(d: Bytes): boolean {
  if (d.every((b) => b === 0)) return false;
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== P256_ORDER[i]) return d[i] < P256_ORDER[i];
  }
  return false; // d = n
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
async function keyIdentifier(point: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest("SHA-1", point));
}

function serialNumber(): Bytes {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0] & 0x7f) | 0x40; // positive, 16 bytes, no leading zero octet
  return b;
}

function seconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

async function sign(
  tbs: Bytes,
  issuerKey: CryptoKey,
): Promise<Bytes> {
  const raw = new Uint8Array(
    await crypto.subtle.sign(ECDSA_SHA256, issuerKey, tbs),
  );
  const alg = sequence(objectIdentifier(OID.ecdsaWithSHA256));
  return sequence(tbs, alg, bitString(ecdsaSignatureToDer(raw)));
}

function tbsCertificate(o: {
  serial: Bytes;
  issuer: Bytes;
  subject: Bytes;
  notBefore: Date;
  notAfter: Date;
  spki: Bytes;
  extensions: Bytes[];
}): Bytes {
  return sequence(
    explicit(0, smallInteger(2)), // v3
    integer(o.serial),
    sequence(objectIdentifier(OID.ecdsaWithSHA256)),
    o.issuer,
    sequence(time(o.notBefore), time(o.notAfter)),
    o.subject,
    o.spki,
    explicit(3, sequence(...o.extensions)),
  );
}

/** Options of {@linkcode generateCertificateAuthority}. */
export interface CertificateAuthorityOptions {
  /** The subject's common name; default `k1s-ca@<unix seconds>`. */
  commonName?: string;
  /** The time the certificate is issued at (default now); notBefore is a minute earlier. */
  now?: Date;
  /** Validity in days from `now`; default 3650 (10 years). */
  validityDays?: number;
}

/**
 * Generates a self-signed certificate authority: a new ECDSA P-256 key, an
 * X.509 v3 certificate with basicConstraints CA (path length 0), keyUsage
 * certSign/cRLSign/digitalSignature and a subjectKeyIdentifier.
 *
 * @example
 * ```ts
 * import { generateCertificateAuthority } from "./x509.ts";
 * import assert from "node:assert/strict";
 *
 * const ca = await generateCertificateAuthority();
 * assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
 * ```
 */
export async function generateCertificateAuthority(
  options: CertificateAuthorityOptions = {},
): Promise<CertificateKeyPair> {
  const now = seconds(options.now ?? new Date());
  const key = await newKey();
  const subject = name("k1s", options.commonName ?? `k1s-ca@${now.getTime() / 1000}`);
  const tbs = tbsCertificate({
    serial: serialNumber(),
    issuer: subject,
    subject,
    notBefore: new Date(now.getTime() - MINUTE),
    notAfter: new Date(now.getTime() + (options.validityDays ?? 3650) * DAY),
    spki: key.spki,
    extensions: [
      extension(OID.basicConstraints, true, sequence(booleanTrue(), smallInteger(0))),
      extension(OID.keyUsage, true, keyUsage([0, 5, 6])),
      extension(OID.subjectKeyIdentifier, false, octetString(key.keyId)),
    ],
  });
  const der = await sign(tbs, key.privateKey);
  return { certPem: pem("CERTIFICATE", der), keyPem: pem("PRIVATE KEY", key.pkcs8) };
}

/** Options of {@linkcode generateServingCertificate}. */
export interface ServingCertificateOptions {
  /**
   * Host names and IP addresses to cover besides 127.0.0.1, ::1 and
   * localhost (`[::1]` brackets and a trailing dot are accepted).
   */
  hosts?: readonly string[];
  /** The subject's common name; default `k1s-serving@<unix seconds>`. */
  commonName?: string;
  /** The time the certificate is issued at (default now); notBefore is a minute earlier. */
  now?: Date;
  /** Validity in days from `now`, default 365; never past the CA's own notAfter. */
  validityDays?: number;
}

/** A PKCS#8 PEM ECDSA P-256 private key as a signing CryptoKey. */
export async function importPrivateKey(keyPem: string): Promise<CryptoKey> {
  const der = pemBlock(keyPem, "PRIVATE KEY");
  try {
    return await crypto.subtle.importKey("pkcs8", der, EC, true, ["sign"]);
  } catch {
    throw new Error("the key is not a PKCS#8 ECDSA P-256 private key");
  }
}

/** The uncompressed public point of a private key (from its JWK). */
export async function publicPointOf(key: CryptoKey): Promise<Bytes> {
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const b64 = (s: string) =>
    Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return concat([Uint8Array.of(4), b64(jwk.x!), b64(jwk.y!)]);
}

/**
 * Generates a serving certificate signed by `ca`: a new ECDSA P-256 key and
 * an X.509 v3 certificate for 127.0.0.1, ::1, localhost and `hosts`, with
 * keyUsage digitalSignature, extendedKeyUsage serverAuth, basicConstraints
 * CA false and subject/authority key identifiers.
 *
 * @example
 * ```ts
 * import { generateCertificateAuthority, generateServingCertificate, parseCertificate } from "./x509.ts";
 * import assert from "node:assert/strict";
 *
 * const ca = await generateCertificateAuthority();
 * const serving = await generateServingCertificate(ca, { hosts: ["k1s.example"] });
 * assert.deepEqual(parseCertificate(serving.certPem).dnsNames, ["localhost", "k1s.example"]);
 * ```
 */
export async function generateServingCertificate(
  ca: CertificateKeyPair,
  options: ServingCertificateOptions = {},
): Promise<CertificateKeyPair> {
  const sans = hostsList(options.hosts);
  const caCert = parsePem(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const caKeyId = caCert.subjectKeyId
    ? Uint8Array.from(caCert.subjectKeyId.match(/../g)!, (h) => parseInt(h, 16))
    : await keyIdentifier(caCert.publicPoint);
  const now = seconds(options.now ?? new Date());
  const notAfter = new Date(
    Math.min(now.getTime() + (options.validityDays ?? 365) * DAY, caCert.notAfter.getTime()),
  );
  const key = await newKey();
  const tbs = tbsCertificate({
    serial: serialNumber(),
    issuer: caCert.subjectRaw,
    subject: name("k1s", options.commonName ?? `k1s-serving@${now.getTime() / 1000}`),
    notBefore: new Date(now.getTime() - MINUTE),
    notAfter,
    spki: key.spki,
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, keyUsage([0])),
      extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
      extension(
        OID.subjectAltName,
        false,
        sequence(
          ...sans.map((s) =>
            s.kind === "dns" ? implicit(2, ENC.encode(s.name)) : implicit(7, s.bytes)
          ),
        ),
      ),
      extension(OID.subjectKeyIdentifier, false, octetString(key.keyId)),
      extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, caKeyId))),
    ],
  });
  const der = await sign(tbs, caKey);
  return { certPem: pem("CERTIFICATE", der), keyPem: pem("PRIVATE KEY", key.pkcs8) };
}

// ---------------------------------------------------------------------------
// Verifying
// ---------------------------------------------------------------------------

/**
 * Whether `ca`'s key signed `cert` (ECDSA with SHA-256, matching key
 * identifiers when both are present). Never throws.
 */
export async function signedBy(cert: ParsedCertificate, ca: ParsedCertificate): Promise<boolean> {
  if (cert.signatureAlgorithm !== OID.ecdsaWithSHA256) return false;
  if (cert.authorityKeyId && ca.subjectKeyId && cert.authorityKeyId !== ca.subjectKeyId) {
    return false;
  }
  try {
    const pub = await crypto.subtle.importKey(
      "spki",
      ca.spki,
      EC,
      false,
      ["verify"],
    );
    const sig = ecdsaSignatureFromDer(cert.signature);
    return await crypto.subtle.verify(
      ECDSA_SHA256,
      pub,
      sig,
      cert.tbs,
    );
  } catch {
    return false;
  }
}
