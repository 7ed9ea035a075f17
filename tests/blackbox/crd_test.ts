// Black-box: the YAML-only example (examples/crontabs) driven by k1s processes: a CRD applied by
// one process is served to the next ones, with its printer columns, defaults, validation errors
// (kubectl's lines), field selectors, and deletion of its objects with it.
import assert from "node:assert/strict";
import { assertFails, assertOk, freshAges, sandbox } from "./_harness.ts";

const EXAMPLE = new URL("../../examples/crontabs/", import.meta.url).pathname;

Deno.test("a CRD and its objects from YAML: apply, wait, get, validate, delete", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["apply", "-f", `${EXAMPLE}crd.yaml`]),
    "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n",
  );
  assertOk(
    await s.k1s([
      "wait",
      "--for=condition=Established",
      "crd/crontabs.stable.example.com",
      "--timeout=20s",
    ]),
    "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n",
  );
  assertOk(
    await s.k1s(["apply", "-f", `${EXAMPLE}crontabs.yaml`]),
    "crontab.stable.example.com/nightly-report created\n" +
      "crontab.stable.example.com/cache-warmer created\n",
  );
  const table = await s.k1s(["get", "crontabs"]);
  assert.equal(table.code, 0, table.err);
  assert.equal(
    freshAges(table.out),
    "NAME             SPEC          REPLICAS   AGE\n" +
      "cache-warmer     */5 * * * *   3          0s\n" +
      "nightly-report   0 2 * * *     1          0s\n",
  );
  // Defaults filled in, as stored.
  assertOk(
    await s.k1s([
      "get",
      "ct",
      "nightly-report",
      "-o",
      "jsonpath={.spec.replicas} {.spec.maxReplicas} {.spec.concurrencyPolicy}",
    ]),
    "1 10 Allow",
  );
  assertOk(
    await s.k1s(["get", "ct", "--field-selector", "spec.image=warmer:2.0", "-o", "name"]),
    "crontab.stable.example.com/cache-warmer\n",
  );
  // The scale subresource: what kubectl scale writes.
  assertOk(
    await s.k1s([
      "patch",
      "ct",
      "cache-warmer",
      "--subresource=scale",
      "--type=merge",
      "-p",
      '{"spec":{"replicas":5}}',
    ]),
    "scale.autoscaling/cache-warmer patched\n",
  );
  assertOk(await s.k1s(["get", "ct", "cache-warmer", "-o", "jsonpath={.spec.replicas}"]), "5");
  assertFails(
    await s.k1s(["apply", "-f", `${EXAMPLE}bad/replicas-over-max.yaml`]),
    `The CronTab "too-many" is invalid: spec.replicas: Invalid value: replicas must not exceed maxReplicas\n`,
  );
  const broken = await s.k1s(["apply", "-f", `${EXAMPLE}bad/schema-errors.yaml`]);
  assert.equal(broken.code, 1);
  assert.match(broken.err, /^The CronTab "broken" is invalid: \n/);
  assert.match(
    broken.err,
    /\* spec\.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"\n/,
  );
  assert.match(broken.err, /\* spec\.env\[1\]: Duplicate value: \{"name":"A"\}\n/);

  assertOk(
    await s.k1s(["delete", "crd", "crontabs.stable.example.com"]),
    'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n',
  );
  assertFails(
    await s.k1s(["get", "crontabs"]),
    'error: the server doesn\'t have a resource type "crontabs"\n',
  );
});
