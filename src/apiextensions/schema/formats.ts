/**
 * String format checks of kube-openapi's `strfmt.Default` registry, restricted
 * to the formats apiextensions-apiserver keeps (validation/formats.go).
 *
 * @module
 */

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const DATE_TIME_TAIL = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const SHORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LONG_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const HEXCOLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const RGBCOLOR =
  /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;
const BASE64 =
  /^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=|[A-Za-z0-9+\/]{4})$/;
const MAC =
  /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$/;
const EMAIL = /^[^\s@<>()\[\]\\,;:"]+@[^\s@<>()\[\]\\,;:"]+$/;
const DURATION_GO = /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)(\d+(\.\d*)?|\.\d+)?/;
const DURATION_UNITS = new Set([
  "ns",
  "nano",
  "nanos",
  "nanosecond",
  "nanoseconds",
  "us",
  "µs",
  "micro",
  "micros",
  "microsecond",
  "microseconds",
  "ms",
  "milli",
  "millis",
  "millisecond",
  "milliseconds",
  "s",
  "sec",
  "secs",
  "second",
  "seconds",
  "m",
  "min",
  "mins",
  "minute",
  "minutes",
  "h",
  "hr",
  "hour",
  "hours",
  "d",
  "day",
  "days",
  "w",
  "wk",
  "week",
  "weeks",
]);

function isGoDuration(s: string): boolean {
  if (s === "0" || s === "+0" || s === "-0") return true;
  let rest = s.replace(/^[-+]/, "");
  if (rest === "") return false;
  const unit = /^(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== "") {
    const m = unit.exec(rest);
    if (!m) return false;
    rest = rest.slice(m[0].length);
  }
  return DURATION_GO.test(s);
}

// strfmt.ParseDuration: Go's time.ParseDuration, else "<n> <unit>" pairs.
function isDuration(s: string): boolean {
  if (isGoDuration(s)) return true;
  const re = /((\d+)\s*([A-Za-zµ]+))/g;
  let found = false;
  for (const m of s.matchAll(re)) {
    found = true;
    if (!DURATION_UNITS.has(m[3])) return false;
  }
  return found;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

// time.Parse("2006-01-02", s)
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = +m[1], mo = +m[2], d = +m[3];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

// strfmt.IsDateTime
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split("t");
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = DATE_TIME_TAIL.exec(parts[1]);
  if (!m) return false;
  return +m[1] <= 23 && +m[2] <= 59 && +m[3] <= 59;
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  // ParseIPSloppy accepts leading zeros.
  return parts.every((p) => /^\d{1,3}$/.test(p) && +p <= 255);
}

function isIPv6(s: string): boolean {
  if (!s.includes(":")) return false;
  let str = s;
  let groupsNeeded = 8;
  const lastColon = str.lastIndexOf(":");
  const tail = str.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!isIPv4(tail)) return false;
    str = str.slice(0, lastColon + 1) + "0:0";
  }
  const dbl = str.split("::");
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  const valid = (g: string) => /^[0-9a-fA-F]{1,4}$/.test(g);
  if (dbl.length === 2) {
    const a = groups(dbl[0]), b = groups(dbl[1]);
    if (![...a, ...b].every(valid)) return false;
    return a.length + b.length < groupsNeeded;
  }
  groupsNeeded = 8;
  const g = groups(str);
  return g.length === groupsNeeded && g.every(valid);
}

function isCIDR(s: string): boolean {
  const i = s.indexOf("/");
  if (i < 0) return false;
  const ip = s.slice(0, i), bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return +bits <= 32;
  if (isIPv6(ip)) return +bits <= 128;
  return false;
}

// govalidator.IsRequestURI: url.ParseRequestURI needs an absolute URI or an absolute path.
function isRequestURI(s: string): boolean {
  if (s === "" || /\s/.test(s)) return false;
  if (s.startsWith("/")) return true;
  const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*):(.*)$/.exec(s);
  if (!m) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return m[2] !== "";
  }
}

function isISBN(s: string, len: 10 | 13): boolean {
  const d = s.replace(/[\s-]/g, "");
  if (len === 10) {
    if (!/^\d{9}[\dX]$/.test(d)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * +d[i];
    sum += d[9] === "X" ? 100 : 10 * +d[9];
    return sum % 11 === 0;
  }
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * +d[i];
  return (10 - (sum % 10)) % 10 === +d[12];
}

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, "");
  if (!CREDIT_CARD.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = +d[i];
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const CHECKERS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestURI,
  email: (s) => EMAIL.test(s.replace(/^.*<(.*)>\s*$/, "$1")),
  hostname: (s) => {
    if (!HOSTNAME.test(s)) return false;
    if (s.length > 255) return false;
    return s.split(".").every((p) => p.length <= 63);
  },
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: isCIDR,
  mac: (s) => MAC.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => isISBN(s, 10) || isISBN(s, 13),
  isbn10: (s) => isISBN(s, 10),
  isbn13: (s) => isISBN(s, 13),
  creditcard: isCreditCard,
  ssn: (s) => SSN.test(s),
  hexcolor: (s) => HEXCOLOR.test(s),
  rgbcolor: (s) => RGBCOLOR.test(s),
  byte: (s) => BASE64.test(s),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
  k8sshortname: (s) => s.length <= 63 && SHORT_NAME.test(s),
  k8slongname: (s) => s.length <= 253 && LONG_NAME.test(s),
};

/**
 * The checker of a string format known to kube-openapi's default registry
 * (names normalized by dropping dashes, so `date-time` is `datetime`), or
 * undefined for an unknown format (which kube ignores).
 *
 * @example
 * ```ts
 * import { formatChecker } from "./formats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatChecker("date-time")?.("2024-01-02T03:04:05Z"), true);
 * assert.equal(formatChecker("ipv4")?.("1.2.3"), false);
 * assert.equal(formatChecker("nope"), undefined);
 * ```
 */
export function formatChecker(format: string): ((s: string) => boolean) | undefined {
  return CHECKERS[format.replaceAll("-", "")];
}
