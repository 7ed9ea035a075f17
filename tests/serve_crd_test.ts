// Real kubectl against `serve`: the YAML-only example (a CRD and its objects) applied, waited for,
// listed with the CRD's printer columns, validated, scaled, selected by a selectable field,
// explained, read in a deprecated version, and deleted with its objects.
import assert from "node:assert/strict";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const EXAMPLE = new URL("../examples/crontabs/", import.meta.url).pathname;

const fixture = kubectlFixture;

function ok(r: { code: number; out: string; err: string }, what: string): string {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.out}${r.err}`);
  return r.out;
}

for (const minor of [32, 28]) {
  Deno.test({
    name: `kubectl 1.${minor}: a CRD and its objects, from YAML only`,
    ignore: !haveKubectl(minor),
    async fn() {
      await using f = await fixture(minor);
      const k = f.kubectl;
      // kubectl before 1.29 validates from protobuf OpenAPI v2, which k1s does not serve.
      const validate = minor < 29 ? ["--validate=false"] : [];
      assert.equal(
        ok(await k.run(["apply", ...validate, "-f", `${EXAMPLE}crd.yaml`]), "apply crd"),
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n",
      );
      assert.equal(
        ok(
          await k.run([
            "wait",
            "--for=condition=Established",
            "crd/crontabs.stable.example.com",
            "--timeout=20s",
          ]),
          "wait",
        ),
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n",
      );
      assert.equal(
        ok(await k.run(["apply", ...validate, "-f", `${EXAMPLE}crontabs.yaml`]), "apply objects"),
        "crontab.stable.example.com/nightly-report created\n" +
          "crontab.stable.example.com/cache-warmer created\n",
      );
      assert.match(
        ok(await k.run(["get", "crontabs"]), "get"),
        /^NAME\s+SPEC\s+REPLICAS\s+AGE\ncache-warmer\s+\*\/5 \* \* \* \*\s+3\s+\d+s\nnightly-report\s+0 2 \* \* \*\s+1\s+\d+s\n$/,
      );
      assert.match(
        ok(await k.run(["get", "ct", "-o", "wide"]), "get -o wide"),
        /^NAME\s+SPEC\s+REPLICAS\s+POLICY\s+AGE\ncache-warmer\s+.*\s+3\s+Forbid\s+\d+s\n/,
      );
      // The category `all` includes it (the only kind in it here, so no kind prefix).
      assert.match(ok(await k.run(["get", "all"]), "get all"), /^NAME\s+SPEC\s+REPLICAS\s+AGE\n/);

      const bad = await k.run(["apply", ...validate, "-f", `${EXAMPLE}bad/replicas-over-max.yaml`]);
      assert.equal(bad.code, 1);
      assert.match(
        bad.err,
        /The CronTab "too-many" is invalid: spec\.replicas: Invalid value: replicas must not exceed maxReplicas/,
      );

      assert.equal(
        ok(await k.run(["scale", "ct", "cache-warmer", "--replicas=4"]), "scale"),
        "crontab.stable.example.com/cache-warmer scaled\n",
      );
      assert.equal(
        ok(
          await k.run(["get", "ct", "cache-warmer", "-o", "jsonpath={.spec.replicas}"]),
          "jsonpath",
        ),
        "4",
      );
      if (minor >= 31) {
        assert.equal(
          ok(
            await k.run(["get", "ct", "--field-selector", "spec.image=warmer:2.0", "-o", "name"]),
            "field selector",
          ),
          "crontab.stable.example.com/cache-warmer\n",
        );
        const scale = ok(
          await k.run(["get", "ct", "cache-warmer", "--subresource=scale", "-o", "json"]),
          "get --subresource=scale",
        );
        assert.equal(JSON.parse(scale).spec.replicas, 4);
        assert.equal(
          ok(
            await k.run([
              "patch",
              "ct",
              "cache-warmer",
              "--subresource=scale",
              "--type=merge",
              "-p",
              '{"spec":{"replicas":2}}',
            ]),
            "patch --subresource=scale",
          ),
          // The answer is the Scale, which kubectl names.
          "scale.autoscaling/cache-warmer patched\n",
        );
        const now = await f.rt.client.get(f.rt.scheme.resolve("ct")!, "cache-warmer");
        assert.equal((now.spec as { replicas: number }).replicas, 2);
      }
      // kubectl before 1.29 explains from OpenAPI v2, which k1s does not serve.
      if (minor >= 29) {
        const explain = ok(await k.run(["explain", "crontab.spec.concurrencyPolicy"]), "explain");
        assert.match(explain, /^GROUP:\s+stable\.example\.com\nKIND:\s+CronTab\nVERSION:\s+v1\n/);
        assert.match(explain, /FIELD: concurrencyPolicy <string>/);
      }

      const old = await k.run(["get", "crontabs.v1beta1.stable.example.com", "nightly-report"]);
      assert.equal(old.code, 0, old.err);
      assert.match(
        old.err,
        /Warning: stable\.example\.com\/v1beta1 CronTab is deprecated; use stable\.example\.com\/v1 CronTab/,
      );

      assert.equal(
        ok(await k.run(["delete", "crd", "crontabs.stable.example.com"]), "delete crd"),
        'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n',
      );
      assert.deepEqual(
        (await f.rt.store.list("/registry/crontabs.stable.example.com/")).items,
        [],
      );
      const gone = await k.run(["get", "crontabs"]);
      assert.equal(gone.code, 1);
      // kubectl's discovery cache still names the kind; the server no longer serves it.
      assert.equal(
        gone.err,
        'Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": ' +
          "the server could not find the requested resource\n",
      );
    },
  });
}
