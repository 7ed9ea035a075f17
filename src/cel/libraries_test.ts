import assert from "node:assert/strict";
import { kubeBaseEnvironment } from "./libraries.ts";

const env = kubeBaseEnvironment().clone();
const ev = (e: string) => env.evaluate(e);

Deno.test("lists library", () => {
  assert.equal(ev("[1, 2, 3].isSorted() && ![2, 1].isSorted()"), true);
  assert.equal(ev("[1, 2, 3].sum()"), 6n);
  assert.equal(ev("[1.5, 2.5].sum()"), 4);
  assert.equal(ev("[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3"), true);
  assert.equal(
    ev("['a', 'b', 'a'].indexOf('a') == 0 && ['a', 'b', 'a'].lastIndexOf('a') == 2"),
    true,
  );
  assert.throws(() => ev("[].min()"), /min called on empty list/);
});

Deno.test("regex library", () => {
  assert.equal(ev("'abc123def456'.find('[0-9]+')"), "123");
  assert.deepEqual(ev("'abc123def456'.findAll('[0-9]+')"), ["123", "456"]);
  assert.deepEqual(ev("'abc123def456'.findAll('[0-9]+', 1)"), ["123"]);
});

Deno.test("strings extension", () => {
  assert.equal(ev("'hello'.charAt(1)"), "e");
  assert.equal(ev("'a-b-c'.replace('-', '_')"), "a_b_c");
  assert.equal(ev("'a-b-c'.replace('-', '_', 1)"), "a_b-c");
  assert.equal(ev("'abc'.reverse()"), "cba");
  assert.equal(ev("'ABC'.lowerAscii() + 'x'.upperAscii()"), "abcX");
  assert.deepEqual(ev("'a,b'.split(',')"), ["a", "b"]);
  assert.equal(ev("['a', 'b'].join('-')"), "a-b");
  assert.equal(ev("' x '.trim() == 'x' && 'abc'.substring(1) == 'bc'"), true);
  assert.equal(ev("'abcabc'.indexOf('c') == 2 && 'abcabc'.lastIndexOf('c') == 5"), true);
});

Deno.test("urls library", () => {
  assert.equal(ev("isURL('https://example.com/a') && !isURL('not a url')"), true);
  assert.equal(ev("url('https://user@example.com:8080/p%20q?x=1').getScheme()"), "https");
  assert.equal(ev("url('https://example.com:8080/p').getHost()"), "example.com:8080");
  assert.equal(ev("url('https://[::1]:80/p').getHostname()"), "::1");
  assert.equal(ev("url('https://example.com:80/p').getPort()"), "80");
  assert.equal(ev("url('https://example.com/p%20q').getEscapedPath()"), "/p%20q");
  assert.equal(ev("url('/relative').getScheme()"), "");
  assert.deepEqual(
    ev("url('https://e.com/?a=1&a=2&b=3').getQuery()"),
    new Map([["a", ["1", "2"]], ["b", ["3"]]]),
  );
});

Deno.test("quantity library", () => {
  assert.equal(ev("quantity('1Gi').compareTo(quantity('1024Mi'))"), 0n);
  assert.equal(ev("quantity('500m').isLessThan(quantity('1'))"), true);
  assert.equal(ev("quantity('2k').isGreaterThan(quantity('1Ki'))"), true);
  assert.equal(ev("quantity('1.5').add(quantity('500m')).asInteger()"), 2n);
  assert.equal(ev("quantity('1').sub(2).sign()"), -1n);
  assert.equal(ev("quantity('1e3').asApproximateFloat()"), 1000);
  assert.equal(ev("quantity('1.5').isInteger()"), false);
  assert.equal(ev("isQuantity('1Gi') && !isQuantity('1GiB')"), true);
  assert.throws(() => ev("quantity('1.5').asInteger()"), /cannot convert value to integer/);
});

Deno.test("int, uint and double arithmetic", () => {
  assert.equal(ev("7 / 2"), 3n);
  assert.equal(ev("7.0 / 2.0"), 3.5);
  assert.throws(() => ev("1 + 1u"), /no such overload/);
  assert.throws(() => ev("9223372036854775807 + 1"), /overflow/);
  assert.throws(() => ev("1 / 0"), /division by zero/);
});
