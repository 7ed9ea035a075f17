import assert from "node:assert/strict";
import { jsonSyntaxError } from "./json_syntax.ts";

// Messages and offsets as Go's encoding/json (json.Unmarshal) reports them.
const cases: [string, string | undefined, number?][] = [
  ['{"a": 1, "b": [true, false, null, -0.5e+3, "x\\u00e9\\n"]}', undefined],
  ["  42  ", undefined],
  ["", "unexpected end of JSON input", 0],
  ["{", "unexpected end of JSON input", 1],
  ['{"a":1,}', "invalid character '}' looking for beginning of object key string", 8],
  ["{bad", "invalid character 'b' looking for beginning of object key string", 2],
  ['{"a" 1}', "invalid character '1' after object key", 6],
  ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`, 8],
  ["[1 2]", "invalid character '2' after array element", 4],
  ["[1,]", "invalid character ']' looking for beginning of value", 4],
  ["{} x", "invalid character 'x' after top-level value", 4],
  ["01", "invalid character '1' after top-level value", 2],
  ["-x", "invalid character 'x' in numeric literal", 2],
  ["1.e3", "invalid character 'e' after decimal point in numeric literal", 3],
  ["1e+", "unexpected end of JSON input", 3],
  ["1ex", "invalid character 'x' in exponent of numeric literal", 3],
  ["tru", "unexpected end of JSON input", 3],
  ["trxe", "invalid character 'x' in literal true (expecting 'u')", 3],
  ["nul1", "invalid character '1' in literal null (expecting 'l')", 4],
  ['"a\tb"', "invalid character '\\t' in string literal", 3],
  ['"\\q"', "invalid character 'q' in string escape code", 3],
  ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape", 6],
  ["'a'", "invalid character '\\'' looking for beginning of value", 1],
  // Offsets count UTF-8 bytes, as Go's do.
  ['{"é":1,}', "invalid character '}' looking for beginning of object key string", 9],
];

Deno.test("jsonSyntaxError: Go's messages and byte offsets; valid JSON passes", () => {
  for (const [text, message, offset] of cases) {
    const err = jsonSyntaxError(text);
    if (message === undefined) {
      assert.equal(err, undefined, text);
      assert.doesNotThrow(() => JSON.parse(text));
    } else {
      assert.deepEqual(err, { message, offset }, text);
      assert.throws(() => JSON.parse(text), SyntaxError, text);
    }
  }
});
