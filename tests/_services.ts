// Services some tests need (etcd, PostgreSQL) and may not find on this machine.

const said = new Set<string>();

/**
 * `reason` when a service is missing, else undefined. The first time, prints one line saying
 * what the tests skip and why. Under `CI=true` a missing service is not a skip: the caller's
 * tests fail with the reason.
 */
export function missingService(name: string, reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (Deno.env.get("CI") === "true") return undefined;
  if (!said.has(name)) {
    said.add(name);
    console.log(`skipping ${name} tests: ${reason}`);
  }
  return reason;
}
