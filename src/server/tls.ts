/**
 * TLS material for `k1s serve`: a self-signed certificate authority, a
 * serving certificate signed by it, and the bearer token clients present.
 *
 * kubectl and client-go send credentials only to an `https://` server, so a
 * server that checks a bearer token must speak TLS. The certificates are
 * generated once with WebCrypto (ECDSA P-256, SHA-256 signatures, X.509 v3
 * written by the small DER encoder in this file), kept beside the store and
 * reused while they cover the requested hosts and are not about to expire.
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

// ---------------------------------------------------------------------------
// DER encoding (the subset X.509 needs)
// ---------------------------------------------------------------------------

/** Bytes backed by a plain ArrayBuffer (what WebCrypto accepts). */
type Bytes = Uint8Array<ArrayBuffer>;

const ENC = new TextEncoder();
const DEC = new TextDecoder();

function concat(parts: Bytes[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One tag-length-value: definite lengths in the shortest form, as DER requires. */
function tlv(tag: number, content: Bytes): Bytes {
  const len = content.length;
  const head: number[] = [tag];
  if (len < 0x80) head.push(len);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    head.push(0x80 | bytes.length, ...bytes);
  }
  return concat([Uint8Array.from(head), content]);
}

const sequence = (...items: Bytes[]): Bytes => tlv(0x30, concat(items));
/** A SET holding one element (DER sorts SET OF members; one needs no sorting). */
const setOf1 = (item: Bytes): Bytes => tlv(0x31, item);
const octetString = (bytes: Bytes): Bytes => tlv(0x04, bytes);
const bitString = (bytes: Bytes, unusedBits = 0): Bytes =>
  tlv(0x03, concat([Uint8Array.of(unusedBits), bytes]));
const utf8String = (s: string): Bytes => tlv(0x0c, ENC.encode(s));
const booleanTrue = (): Bytes => tlv(0x01, Uint8Array.of(0xff));
/** `[n] EXPLICIT`: a constructed context tag around a whole encoding. */
const explicit = (n: number, inner: Bytes): Bytes => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` for a primitive type: the context tag replaces the type's tag. */
const implicit = (n: number, bytes: Bytes): Bytes => tlv(0x80 | n, bytes);

/** An unsigned big-endian integer as a DER INTEGER (minimal, non-negative). */
function integer(bytes: Bytes): Bytes {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  const body = trimmed.length === 0
    ? Uint8Array.of(0)
    : trimmed[0] & 0x80
    ? concat([Uint8Array.of(0), trimmed])
    : trimmed;
  return tlv(0x02, body);
}

const smallInteger = (n: number): Bytes => integer(Uint8Array.of(n));

function objectIdentifier(dotted: string): Bytes {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [];
  const base128 = (n: number) => {
    const bytes = [n & 0x7f];
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) bytes.unshift(0x80 | (n & 0x7f));
    out.push(...bytes);
  };
  base128(arcs[0] * 40 + arcs[1]);
  for (const arc of arcs.slice(2)) base128(arc);
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), whole seconds, Zulu. */
function time(date: Date): Bytes {
  const y = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, "0");
  const rest = two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) +
    two(date.getUTCMinutes()) + two(date.getUTCSeconds()) + "Z";
  return y >= 1950 && y < 2050
    ? tlv(0x17, ENC.encode(two(y % 100) + rest))
    : tlv(0x18, ENC.encode(String(y).padStart(4, "0") + rest));
}

const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  prime256v1: "1.2.840.10045.3.1.7",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

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

/** WebCrypto's ECDSA signature (r || s, 32 bytes each) as the DER `Ecdsa-Sig-Value`. */
function ecdsaSignatureToDer(raw: Bytes): Bytes {
  const half = raw.length / 2;
  return sequence(integer(raw.subarray(0, half)), integer(raw.subarray(half)));
}

// ---------------------------------------------------------------------------
// DER decoding (enough to read back the certificates written here)
// ---------------------------------------------------------------------------

interface Node {
  tag: number;
  /** The whole encoding, header included. */
  raw: Bytes;
  /** The content octets. */
  content: Bytes;
}

class DerError extends Error {}

function readNode(buf: Bytes, at: number): Node {
  if (at + 2 > buf.length) throw new DerError("truncated DER");
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tags are not supported");
  let len = buf[at + 1];
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError("unsupported DER length");
    if (at + 2 + n > buf.length) throw new DerError("truncated DER");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i];
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw new DerError("truncated DER");
  return { tag, raw: buf.subarray(at, end), content: buf.subarray(at + head, end) };
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < node.content.length;) {
    const child = readNode(node.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

function expectTag(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new DerError(`malformed ${what}`);
  return node;
}

function decodeObjectIdentifier(node: Node): string {
  const b = node.content;
  if (b.length === 0) throw new DerError("empty object identifier");
  const arcs: number[] = [];
  let n = 0;
  for (const byte of b) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  const first = arcs.shift()!;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...arcs].join(".");
}

function decodeTime(node: Node): Date {
  const s = DEC.decode(node.content);
  const m = node.tag === 0x17
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
    : node.tag === 0x18
    ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
    : null;
  if (!m) throw new DerError(`malformed validity time "${s}"`);
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
}

/** The DER `Ecdsa-Sig-Value` as WebCrypto's r || s for P-256. */
function ecdsaSignatureFromDer(der: Bytes): Bytes {
  const seq = expectTag(readNode(der, 0), 0x30, "ECDSA signature");
  const [r, s] = children(seq).map((n) => expectTag(n, 0x02, "ECDSA signature"));
  if (!r || !s) throw new DerError("malformed ECDSA signature");
  const out = new Uint8Array(64);
  for (const [i, v] of [r.content, s.content].entries()) {
    let j = 0;
    while (j < v.length - 1 && v[j] === 0) j++;
    const trimmed = v.subarray(j);
    if (trimmed.length > 32) throw new DerError("malformed ECDSA signature");
    out.set(trimmed, i * 32 + 32 - trimmed.length);
  }
  return out;
}

// ---------------------------------------------------------------------------
// PEM and hosts
// ---------------------------------------------------------------------------

function toBase64(bytes: Bytes): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function pem(label: string, der: Bytes): string {
  const b64 = toBase64(der).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** The DER of the first `label` block of a PEM text; throws a plain message when there is none. */
function pemBlock(text: string, label: string): Bytes {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(text);
  if (!m) throw new Error(`no "${label}" PEM block`);
  const b64 = m[1].replace(/\s+/g, "");
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new Error(`the "${label}" PEM block is not valid base64`);
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

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

type SubjectAltName = { kind: "ip"; bytes: Bytes } | { kind: "dns"; name: string };

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

function sanKey(san: SubjectAltName): string {
  if (san.kind === "dns") return `dns:${san.name}`;
  // An IPv4-mapped IPv6 address is the IPv4 address (as Go's net.IP.Equal sees it).
  const b = san.bytes;
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff &&
    b[11] === 0xff;
  return `ip:${Array.from(mapped ? b.subarray(12) : b).join(",")}`;
}

function formatIP(bytes: Bytes): string {
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

// ---------------------------------------------------------------------------
// Certificates
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

interface ParsedCertificate extends CertificateInfo {
  tbs: Bytes;
  subjectRaw: Bytes;
  spki: Bytes;
  /** The uncompressed EC point of the public key. */
  publicPoint: Bytes;
  signature: Bytes;
  signatureAlgorithm: string;
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

function parsePem(text: string): ParsedCertificate {
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
 * import { generateCertificateAuthority, parseCertificate } from "./tls.ts";
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
 * import { generateCertificateAuthority } from "./tls.ts";
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

async function importPrivateKey(keyPem: string): Promise<CryptoKey> {
  const der = pemBlock(keyPem, "PRIVATE KEY");
  try {
    return await crypto.subtle.importKey("pkcs8", der, EC, true, ["sign"]);
  } catch {
    throw new Error("the key is not a PKCS#8 ECDSA P-256 private key");
  }
}

/** The uncompressed public point of a private key (from its JWK). */
async function publicPointOf(key: CryptoKey): Promise<Bytes> {
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const b64 = (s: string) =>
    Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return concat([Uint8Array.of(4), b64(jwk.x!), b64(jwk.y!)]);
}

const sameBytes = (a: Bytes, b: Bytes): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function hostsList(hosts: readonly string[] | undefined): SubjectAltName[] {
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

/**
 * Generates a serving certificate signed by `ca`: a new ECDSA P-256 key and
 * an X.509 v3 certificate for 127.0.0.1, ::1, localhost and `hosts`, with
 * keyUsage digitalSignature, extendedKeyUsage serverAuth, basicConstraints
 * CA false and subject/authority key identifiers.
 *
 * @example
 * ```ts
 * import { generateCertificateAuthority, generateServingCertificate, parseCertificate } from "./tls.ts";
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

/** Certificates expiring within this are renewed. */
const RENEW_BEFORE = 30 * DAY;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read "${path}": ${(e as Error).message}`, { cause: e });
  }
}

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

async function signedBy(cert: ParsedCertificate, ca: ParsedCertificate): Promise<boolean> {
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

/** Runs `fn` holding `lockPath` (created exclusively), so two starting servers generate once. */
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.open(lockPath, { createNew: true, write: true })).close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        throw new Error(`Cannot create lock file "${lockPath}": ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    // A lock left by a process that died while generating (which takes milliseconds) is stale.
    const mtime = (await Deno.stat(lockPath).catch(() => undefined))?.mtime?.getTime();
    if (mtime !== undefined && Date.now() - mtime > 30_000) {
      await Deno.remove(lockPath).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Cannot generate certificates: "${lockPath}" is held by another process; ` +
          `delete it if no k1s is starting`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lockPath).catch(() => {});
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
  return await withLock(`${dir}/.certificates.lock`, async () => {
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

// ---------------------------------------------------------------------------
// Bearer token
// ---------------------------------------------------------------------------

/**
 * Returns the bearer token kept in the file at `path`, creating the file
 * (mode 0600) with 32 random bytes, base64url, when it does not exist.
 * Surrounding whitespace in the file is ignored.
 *
 * Errors: an empty file, or a token with whitespace or control characters
 * inside (kube-apiserver reads `Authorization: Bearer X` up to the first
 * space, so such a token could never be presented).
 *
 * @example
 * ```ts
 * import { ensureToken } from "./tls.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const token = await ensureToken(`${dir}/token`);
 * assert.match(token, /^[A-Za-z0-9_-]{43}$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureToken(path: string): Promise<string> {
  for (let attempt = 0;; attempt++) {
    const text = await readOptional(path);
    if (text !== undefined) {
      const token = text.trim();
      if (token === "") {
        throw new Error(
          `Cannot use token file "${path}": it is empty; write a token into it, or delete it to have k1s generate one`,
        );
      }
      if (/[\s\p{Cc}]/u.test(token)) {
        throw new Error(
          `Cannot use token file "${path}": the token must be one word, without whitespace or control characters`,
        );
      }
      return token;
    }
    const token = toBase64(crypto.getRandomValues(new Uint8Array(32)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    try {
      await Deno.writeTextFile(path, token + "\n", { mode: 0o600, createNew: true });
      return token;
    } catch (e) {
      // Another process created it first: read theirs.
      if (e instanceof Deno.errors.AlreadyExists && attempt === 0) continue;
      throw new Error(`Cannot write token file "${path}": ${(e as Error).message}`, { cause: e });
    }
  }
}

/**
 * Compares two strings without stopping at the first difference, so the
 * time taken does not tell how much of a guessed token was right. (The
 * lengths may still show; JavaScript gives no hard constant-time promise.)
 *
 * @example
 * ```ts
 * import { timingSafeEqualString } from "./tls.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(timingSafeEqualString("s3cret", "s3cret"), true);
 * assert.equal(timingSafeEqualString("s3cret", "s3creT"), false);
 * ```
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const x = ENC.encode(a);
  const y = ENC.encode(b);
  const n = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < n; i++) diff |= (x[i] | 0) ^ (y[i] | 0);
  return diff === 0;
}

/**
 * Whether an `Authorization` header value carries `Bearer <token>`, parsed
 * as kube-apiserver's bearer-token authenticator parses it (scheme case
 * insensitive, surrounding spaces ignored) and compared with
 * {@linkcode timingSafeEqualString}. An empty expected token matches nothing.
 *
 * @example
 * ```ts
 * import { bearerTokenMatches } from "./tls.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(bearerTokenMatches("Bearer s3cret", "s3cret"), true);
 * assert.equal(bearerTokenMatches("Basic czNjcmV0", "s3cret"), false);
 * assert.equal(bearerTokenMatches(null, "s3cret"), false);
 * ```
 */
export function bearerTokenMatches(authorization: string | null, token: string): boolean {
  if (authorization === null || token === "") return false;
  // k8s.io/apiserver/pkg/authentication/request/bearertoken: SplitN(TrimSpace(h), " ", 3).
  const parts = authorization.trim().split(" ");
  if (parts.length < 2 || parts[0].toLowerCase() !== "bearer" || parts[1] === "") return false;
  return timingSafeEqualString(parts[1], token);
}
