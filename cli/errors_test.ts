// kubectl's StandardErrorMessage: how a Status becomes the line the CLI prints.
import assert from "node:assert/strict";
import { ApiError } from "../src/apimachinery/errors.ts";
import { formatError } from "./errors.ts";

Deno.test("a Status with a reason, without one, and an Invalid without details", () => {
  assert.equal(
    formatError(ApiError.of(409, "Conflict", "the object has been modified")),
    "Error from server (Conflict): the object has been modified",
  );
  // kube's watch and get pass the resourceVersion parser's error on unconverted: no reason.
  assert.equal(
    formatError(ApiError.of(500, "" as never, 'resourceVersion: Invalid value: "x"')),
    'Error from server: resourceVersion: Invalid value: "x"',
  );
  // A patch that does not apply: kube's generic 422 with empty details.
  assert.equal(
    formatError(
      ApiError.of(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
        {},
      ),
    ),
    "The request is invalid: the server rejected our request due to an error in our request",
  );
});
