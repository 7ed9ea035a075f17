/**
 * The small DER writer and reader behind k1s's X.509 certificates, and PEM
 * armour. It encodes the subset of ASN.1 that certificates and PKCS#8 keys
 * need (definite lengths, single-byte tags) and reads back what it writes;
 * it is not a general ASN.1 library.
 *
 * @example
 * ```ts
 * import { children, decodeObjectIdentifier, objectIdentifier, OID, pem, pemBlock, readNode, sequence } from "./der.ts";
 * import assert from "node:assert/strict";
 *
 * const der = sequence(objectIdentifier(OID.ecPublicKey), objectIdentifier(OID.prime256v1));
 * const text = pem("TEST", der);
 * assert.match(text, /^-----BEGIN TEST-----\n/);
 * const back = readNode(pemBlock(text, "TEST"), 0);
 * assert.deepEqual(children(back).map(decodeObjectIdentifier), [OID.ecPublicKey, OID.prime256v1]);
 * ```
 *
 * @module
 */

// ---------------------------------------------------------------------------
// DER encoding (the subset X.509 needs)
// ---------------------------------------------------------------------------

/** Bytes backed by a plain ArrayBuffer (what WebCrypto accepts). */
export type Bytes = Uint8Array<ArrayBuffer>;

const ENC = new TextEncoder();
const DEC = new TextDecoder();

/** The concatenation of `parts`, in a new buffer. */
export function concat(parts: Bytes[]): Bytes {
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

/** A SEQUENCE of already-encoded items. */
export const sequence = (...items: Bytes[]): Bytes => tlv(0x30, concat(items));
/** A SET holding one element (DER sorts SET OF members; one needs no sorting). */
export const setOf1 = (item: Bytes): Bytes => tlv(0x31, item);
/** An OCTET STRING. */
export const octetString = (bytes: Bytes): Bytes => tlv(0x04, bytes);
/** A BIT STRING of whole `bytes`, the last `unusedBits` bits of which are padding. */
export const bitString = (bytes: Bytes, unusedBits = 0): Bytes =>
  tlv(0x03, concat([Uint8Array.of(unusedBits), bytes]));
/** A UTF8String. */
export const utf8String = (s: string): Bytes => tlv(0x0c, ENC.encode(s));
/** The BOOLEAN TRUE (DER writes it as 0xff). */
export const booleanTrue = (): Bytes => tlv(0x01, Uint8Array.of(0xff));
/** `[n] EXPLICIT`: a constructed context tag around a whole encoding. */
export const explicit = (n: number, inner: Bytes): Bytes => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` for a primitive type: the context tag replaces the type's tag. */
export const implicit = (n: number, bytes: Bytes): Bytes => tlv(0x80 | n, bytes);

/** An unsigned big-endian integer as a DER INTEGER (minimal, non-negative). */
export function integer(bytes: Bytes): Bytes {
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

/** A DER INTEGER from a number in [0, 255]. */
export const smallInteger = (n: number): Bytes => integer(Uint8Array.of(n));

/** An OBJECT IDENTIFIER from its dotted form (`"2.5.4.3"`). */
export function objectIdentifier(dotted: string): Bytes {
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
export function time(date: Date): Bytes {
  const y = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, "0");
  const rest = two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) +
    two(date.getUTCMinutes()) + two(date.getUTCSeconds()) + "Z";
  return y >= 1950 && y < 2050
    ? tlv(0x17, ENC.encode(two(y % 100) + rest))
    : tlv(0x18, ENC.encode(String(y).padStart(4, "0") + rest));
}

/** The object identifiers k1s's certificates and keys use, dotted. */
export const OID = {
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

/** WebCrypto's ECDSA signature (r || s, 32 bytes each) as the DER `Ecdsa-Sig-Value`. */
export function ecdsaSignatureToDer(raw: Bytes): Bytes {
  const half = raw.length / 2;
  return sequence(integer(raw.subarray(0, half)), integer(raw.subarray(half)));
}

// ---------------------------------------------------------------------------
// DER decoding (enough to read back the certificates written here)
// ---------------------------------------------------------------------------

/** One decoded tag-length-value. */
export interface Node {
  /** The (single-byte) tag. */
  tag: number;
  /** The whole encoding, header included. */
  raw: Bytes;
  /** The content octets. */
  content: Bytes;
}

/** Malformed or unsupported DER. */
export class DerError extends Error {}

/** The element starting at offset `at` of `buf`; throws {@linkcode DerError} when malformed. */
export function readNode(buf: Bytes, at: number): Node {
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

/** The elements inside a constructed `node`, in order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < node.content.length;) {
    const child = readNode(node.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** `node` if it is present and has `tag`; otherwise a {@linkcode DerError} naming `what`. */
export function expectTag(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new DerError(`malformed ${what}`);
  return node;
}

/** An OBJECT IDENTIFIER's dotted form. */
export function decodeObjectIdentifier(node: Node): string {
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

/** A UTCTime or GeneralizedTime (whole seconds, Zulu) as a Date. */
export function decodeTime(node: Node): Date {
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
export function ecdsaSignatureFromDer(der: Bytes): Bytes {
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
// PEM
// ---------------------------------------------------------------------------

/** Standard base64 (with padding) of `bytes`, for buffers of any size. */
export function toBase64(bytes: Bytes): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** `der` as a PEM block labelled `label`, base64 in 64-character lines. */
export function pem(label: string, der: Bytes): string {
  const b64 = toBase64(der).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** The DER of the first `label` block of a PEM text; throws a plain message when there is none. */
export function pemBlock(text: string, label: string): Bytes {
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
