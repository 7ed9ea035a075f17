// The Website operator on the memory store: the manager's triggered runs (reconcile until idle)
// for the lifecycle, a long-running manager for the certificate renewal.
import assert from "node:assert/strict";
import {
  ConfigMap,
  createRuntime,
  eventsFor,
  findStatusCondition,
  getControllerOf,
  jsonLogger,
  Manager,
  Secret,
} from "@k1s/k1s";
import { Website } from "./kinds.ts";
import {
  DNS_FINALIZER,
  dnsRecordPath,
  domainProblem,
  NOT_AFTER_ANNOTATION,
  websiteController,
} from "./controller.ts";
import { captureIO } from "@k1s/k1s/cli";
import { parseDuration, sitesCli } from "./cli.ts";

/** A runtime with the operator's manager (built-in controllers + the Website controller). */
async function setup(options: { tlsValidityMs?: number; renewBeforeMs?: number } = {}) {
  const dnsDir = await Deno.makeTempDir({ prefix: "sites-dns-" });
  const rt = await createRuntime({ kinds: [Website] });
  const logs: Record<string, unknown>[] = [];
  const logger = jsonLogger({ write: (line) => logs.push(JSON.parse(line)) });
  const controller = websiteController({ dnsDir, logger, ...options });
  const mgr = rt.manager();
  mgr.add(controller);
  return {
    rt,
    mgr,
    controller,
    dnsDir,
    logs,
    record: (name: string) => dnsRecordPath(dnsDir, "default", name),
    async [Symbol.asyncDispose]() {
      await rt.close();
      await Deno.remove(dnsDir, { recursive: true });
    },
  };
}

const blog = {
  metadata: { name: "blog" },
  spec: { domain: "blog.example.com", replicas: 2, content: "<h1>Hi</h1>", tls: true },
};

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("domainProblem accepts DNS names and refuses others", () => {
  assert.equal(domainProblem("blog.example.com"), undefined);
  assert.match(domainProblem("blog")!, /not a fully qualified DNS name/);
  assert.match(domainProblem("Not A Domain!")!, /not a fully qualified DNS name/);
  assert.match(domainProblem("shop.localhost")!, /reserved top-level domain \.localhost/);
});

Deno.test("a Website gets its children, DNS record, conditions and events", async () => {
  await using env = await setup();
  const { rt, mgr } = env;
  await rt.client.create(Website, blog);
  const report = await mgr.runTriggered();
  assert.ok(report.idle, JSON.stringify(report));
  // The certificate asks to be looked at again before it expires.
  // (The event-ttl controller defers its expiries too.)
  assert.deepEqual(report.deferred.filter((k) => k.startsWith("website:")), [
    "website: default/blog",
  ]);

  const site = await rt.client.get(Website, "blog");
  assert.deepEqual(site.metadata.finalizers, [DNS_FINALIZER]);
  const cm = await rt.client.get(ConfigMap, "blog-content");
  assert.equal(cm.data?.["index.html"], "<h1>Hi</h1>");
  assert.equal(getControllerOf(cm)?.uid, site.metadata.uid);
  assert.equal(getControllerOf(cm)?.kind, "Website");
  assert.equal(getControllerOf(cm)?.blockOwnerDeletion, true);
  const secret = await rt.client.get(Secret, "blog-tls");
  assert.equal(secret.type, "kubernetes.io/tls");
  assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ["tls.crt", "tls.key"]);
  assert.equal(getControllerOf(secret)?.uid, site.metadata.uid);
  assert.ok(Date.parse(secret.metadata.annotations![NOT_AFTER_ANNOTATION]) > Date.now());

  assert.equal(site.status?.observedGeneration, 1);
  assert.equal(site.status?.url, "https://blog.example.com/");
  const ready = findStatusCondition(site.status?.conditions, "Ready");
  assert.deepEqual(
    { status: ready?.status, reason: ready?.reason, gen: ready?.observedGeneration },
    { status: "True", reason: "Serving", gen: 1 },
  );
  assert.equal(ready?.message, "2 replicas serving https://blog.example.com/");
  assert.equal(findStatusCondition(site.status?.conditions, "DNSRecorded")?.status, "True");

  assert.deepEqual(JSON.parse(await Deno.readTextFile(env.record("blog"))), {
    website: "default/blog",
    domain: "blog.example.com",
    url: "https://blog.example.com/",
  });
  const events = await eventsFor(rt.client, site);
  assert.deepEqual(events.map((e) => `${e.type} ${e.reason} ${e.message}`), [
    "Normal Created Created ConfigMap default/blog-content",
    "Normal Created Created Secret default/blog-tls",
    "Normal DNSRecorded DNS record blog.example.com -> https://blog.example.com/",
  ]);
  assert.equal(events[0].source?.component, "k1s");
  // ctx.log carries controller-runtime's fields.
  const wrote = env.logs.find((l) => l.msg === "Wrote DNS record");
  assert.equal(wrote?.controller, "website");
  assert.deepEqual(wrote?.Website, { name: "blog", namespace: "default" });

  // Level-triggered and quiet: another full pass writes nothing.
  const again = await mgr.runTriggered({ full: true });
  assert.ok(again.idle);
  const after = await rt.client.get(Website, "blog");
  assert.equal(after.metadata.resourceVersion, site.metadata.resourceVersion);
  assert.equal((await eventsFor(rt.client, site)).length, 3);
});

Deno.test("spec changes propagate: content, replicas, tls off removes the Secret", async () => {
  await using env = await setup();
  const { rt, mgr } = env;
  await rt.client.create(Website, blog);
  await mgr.runTriggered();

  const site = await rt.client.get(Website, "blog");
  await rt.client.update(Website, {
    ...site,
    spec: { ...site.spec, content: "<h1>New</h1>", replicas: 3 },
  });
  assert.ok((await mgr.runTriggered()).idle);
  const cm = await rt.client.get(ConfigMap, "blog-content");
  assert.deepEqual(cm.data, { "index.html": "<h1>New</h1>", replicas: "3" });
  let now = await rt.client.get(Website, "blog");
  assert.equal(now.metadata.generation, 2);
  assert.equal(now.status?.observedGeneration, 2);
  const ready = findStatusCondition(now.status?.conditions, "Ready");
  assert.equal(ready?.observedGeneration, 2);
  assert.equal(ready?.message, "3 replicas serving https://blog.example.com/");
  // Ready stayed True: its transition time did not move.
  assert.equal(
    ready?.lastTransitionTime,
    findStatusCondition(site.status?.conditions, "Ready")?.lastTransitionTime,
  );

  await rt.client.patch(Website, "blog", { spec: { tls: false } }, { type: "merge" });
  assert.ok((await mgr.runTriggered()).idle);
  assert.equal(await rt.client.get(Secret, "blog-tls").catch(() => undefined), undefined);
  now = await rt.client.get(Website, "blog");
  assert.equal(now.status?.url, "http://blog.example.com/");
  assert.equal(now.status?.observedGeneration, 3);
  assert.equal(
    JSON.parse(await Deno.readTextFile(env.record("blog"))).url,
    "http://blog.example.com/",
  );
  const reasons = (await eventsFor(rt.client, now)).map((e) => `${e.reason}: ${e.message}`);
  assert.ok(reasons.includes("Updated: Updated ConfigMap default/blog-content"), `${reasons}`);
  assert.ok(
    reasons.includes("Deleted: Deleted Secret default/blog-tls (tls is off)"),
    `${reasons}`,
  );

  // Someone edits a child: the owner is reconciled and puts it back.
  await rt.client.patch(ConfigMap, "blog-content", { data: { "index.html": "defaced" } }, {
    type: "merge",
  });
  assert.ok((await mgr.runTriggered()).idle);
  assert.equal(
    (await rt.client.get(ConfigMap, "blog-content")).data?.["index.html"],
    "<h1>New</h1>",
  );
});

Deno.test("deleting a Website: the finalizer removes the DNS record before the object goes", async () => {
  await using env = await setup();
  const { rt, mgr } = env;
  await rt.client.create(Website, blog);
  await mgr.runTriggered();
  assert.ok(await exists(env.record("blog")));

  await rt.client.delete(Website, "blog");
  // Until the controller has run, the finalizer holds the object.
  const held = await rt.client.get(Website, "blog");
  assert.ok(held.metadata.deletionTimestamp);
  assert.ok(await exists(env.record("blog")));

  // A cleanup that fails keeps it: make the record impossible to remove.
  await Deno.remove(env.record("blog"));
  await Deno.mkdir(`${env.record("blog")}/stuck`, { recursive: true });
  const failing = await mgr.runTriggered({ timeoutMs: 300 });
  assert.equal(failing.idle, false);
  assert.deepEqual(failing.unfinished, ["website: default/blog"]);
  assert.deepEqual((await rt.client.get(Website, "blog")).metadata.finalizers, [DNS_FINALIZER]);
  assert.ok(env.logs.some((l) => l.msg === "Reconciler error" && l.name === "blog"));

  await Deno.remove(env.record("blog"), { recursive: true });
  await Deno.writeTextFile(env.record("blog"), "{}");
  const done = await mgr.runTriggered();
  assert.ok(done.idle, JSON.stringify(done));
  assert.equal(await exists(env.record("blog")), false);
  assert.equal(await rt.client.get(Website, "blog").catch(() => undefined), undefined);
  // The garbage collector removed the children, by their owner references.
  assert.equal((await rt.client.list(ConfigMap)).items.length, 0);
  assert.equal((await rt.client.list(Secret)).items.length, 0);
  const reasons = (await eventsFor(rt.client, held)).map((e) => e.reason);
  assert.ok(reasons.includes("DNSRecordDeleted"), `${reasons}`);
});

Deno.test("cleanup is idempotent: a record already gone does not block deletion", async () => {
  await using env = await setup();
  const { rt, mgr } = env;
  await rt.client.create(Website, { ...blog, spec: { ...blog.spec, tls: false } });
  await mgr.runTriggered();
  await Deno.remove(env.record("blog"));
  await rt.client.delete(Website, "blog");
  assert.ok((await mgr.runTriggered()).idle);
  assert.equal(await rt.client.get(Website, "blog").catch(() => undefined), undefined);
});

Deno.test("a bad domain: Ready=False InvalidDomain, one Warning, no retries", async () => {
  await using env = await setup();
  const { rt, mgr, controller } = env;
  await rt.client.create(Website, {
    metadata: { name: "broken" },
    spec: { domain: "not a domain!", content: "x" },
  });
  const report = await mgr.runTriggered();
  assert.ok(report.idle, JSON.stringify(report));
  assert.deepEqual(report.unfinished, []);
  assert.deepEqual(report.deferred.filter((k) => k.startsWith("website:")), []);
  // Add the finalizer; fail terminally; once more for that status write, which finds the problem
  // reported already and ends quietly.
  assert.equal(controller.stats.reconciles, 3);
  assert.equal(controller.stats.errors, 1);

  const site = await rt.client.get(Website, "broken");
  const ready = findStatusCondition(site.status?.conditions, "Ready");
  assert.deepEqual(
    { status: ready?.status, reason: ready?.reason, gen: ready?.observedGeneration },
    { status: "False", reason: "InvalidDomain", gen: 1 },
  );
  assert.match(ready!.message, /not a fully qualified DNS name/);
  assert.equal(findStatusCondition(site.status?.conditions, "DNSRecorded")?.status, "False");
  assert.equal(site.status?.url, undefined);
  assert.equal((await rt.client.list(ConfigMap)).items.length, 0);
  assert.equal(await exists(env.record("broken")), false);
  const warnings = (await eventsFor(rt.client, site)).filter((e) => e.type === "Warning");
  assert.deepEqual(warnings.map((e) => [e.reason, e.count]), [["InvalidDomain", 1]]);
  const logged = env.logs.filter((l) => l.msg === "Reconciler error");
  assert.deepEqual(logged.map((l) => [l.name, l.terminal]), [["broken", true]]);

  // Nothing changed, nothing runs; fixing the spec reconciles again.
  assert.ok((await mgr.runTriggered()).idle);
  assert.equal(controller.stats.reconciles, 3);
  await rt.client.patch(Website, "broken", { spec: { domain: "fixed.example.com" } }, {
    type: "merge",
  });
  assert.ok((await mgr.runTriggered()).idle);
  const fixed = await rt.client.get(Website, "broken");
  assert.equal(findStatusCondition(fixed.status?.conditions, "Ready")?.status, "True");
  assert.equal(findStatusCondition(fixed.status?.conditions, "Ready")?.observedGeneration, 2);
  assert.ok(await exists(env.record("broken")));

  // Broken again: nothing may point at the old name any more.
  await rt.client.patch(Website, "broken", { spec: { domain: "shop.localhost" } }, {
    type: "merge",
  });
  assert.ok((await mgr.runTriggered()).idle);
  assert.equal(await exists(env.record("broken")), false);
  const messages = (await eventsFor(rt.client, site)).map((e) => `${e.reason}: ${e.message}`);
  assert.ok(
    messages.includes("DNSRecordDeleted: Removed the DNS record of fixed.example.com"),
    `${messages}`,
  );
  assert.equal(
    messages.filter((m) => m.startsWith("InvalidDomain:")).length,
    2,
    `${messages}`,
  );
});

Deno.test("a long-running manager renews the certificate when its requeue comes due", async () => {
  const dnsDir = await Deno.makeTempDir({ prefix: "sites-dns-" });
  await using rt = await createRuntime({ kinds: [Website] });
  const mgr = new Manager(rt); // bare: only the Website controller
  const logs: Record<string, unknown>[] = [];
  mgr.add(websiteController({
    dnsDir,
    tlsValidityMs: 600,
    renewBeforeMs: 300,
    logger: jsonLogger({ write: (line) => logs.push(JSON.parse(line)) }),
  }));
  const stop = new AbortController();
  const running = mgr.start(stop.signal);
  try {
    await rt.client.create(Website, blog);
    const notAfter = async () =>
      (await rt.client.get(Secret, "blog-tls").catch(() => undefined))?.metadata.annotations
        ?.[NOT_AFTER_ANNOTATION];
    const deadline = Date.now() + 5000;
    let first: string | undefined;
    while (!(first = await notAfter()) && Date.now() < deadline) await sleep(20);
    assert.ok(first, "the certificate was issued");
    let second: string | undefined;
    while ((second = await notAfter()) === first && Date.now() < deadline) await sleep(20);
    assert.notEqual(second, first, "the certificate was renewed");
    assert.ok(Date.parse(second!) > Date.parse(first));
    // Renewed when the renew-before window opened (300 ms after issue), not at once.
    const issued = logs.find((l) => l.msg === "Issued certificate")!;
    const renewed = logs.find((l) => l.msg === "Renewed certificate")!;
    const gap = Date.parse(renewed.ts as string) - Date.parse(issued.ts as string);
    assert.ok(gap >= 250, `renewed after ${gap}ms`);
    await mgr.recorder.flush();
    const site = await rt.client.get(Website, "blog");
    const reasons = (await eventsFor(rt.client, site)).map((e) => e.reason);
    assert.ok(reasons.includes("Renewed"), `${reasons}`);
    assert.equal(findStatusCondition(site.status?.conditions, "Ready")?.status, "True");
  } finally {
    stop.abort();
    const report = await running;
    assert.deepEqual(report.unfinished, []);
    await Deno.remove(dnsDir, { recursive: true });
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

Deno.test("the sites CLI reconciles after its writes (triggered mode)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sites-cli-" });
  const logs: Record<string, unknown>[] = [];
  const cli = sitesCli({
    dnsDir: `${dir}/dns`,
    logger: jsonLogger({ level: "error", write: (line) => logs.push(JSON.parse(line)) }),
  });
  const run = async (args: string[], stdin = "") => {
    const io = captureIO({ stdin });
    const code = await cli.run(["--store", `sqlite:${dir}/s.db`, ...args], io);
    return { code, out: io.out, err: io.err };
  };
  try {
    const applied = await run(["apply", "-f", new URL("./sample.yaml", import.meta.url).pathname]);
    assert.equal(applied.code, 0, applied.err);
    assert.equal(
      applied.out,
      "website.sites.example.k1s.dev/blog created\nwebsite.sites.example.k1s.dev/docs created\n",
    );
    assert.equal(applied.err, ""); // the controller's progress is not logged to CLI users
    const table = await run(["get", "sites"]);
    assert.match(table.out, /^NAME +DOMAIN +REPLICAS +TLS +READY +URL +AGE\n/);
    assert.match(
      table.out,
      /^blog +blog\.example\.com +2 +true +True +https:\/\/blog\.example\.com\/ /m,
    );
    assert.match(
      table.out,
      /^docs +docs\.example\.com +1 +false +True +http:\/\/docs\.example\.com\/ /m,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/dns`)].map((e) => e.name).sort(), [
      "default_blog.json",
      "default_docs.json",
    ]);

    const bad = await run(
      ["apply", "-f", "-"],
      "apiVersion: sites.example.k1s.dev/v1\nkind: Website\nmetadata: {name: bad}\n" +
        "spec: {domain: shop.localhost}\n",
    );
    assert.equal(bad.code, 0, bad.err); // the write succeeded; the controller refused the spec
    assert.deepEqual(logs.map((l) => [l.msg, l.name, l.terminal]), [
      ["Reconciler error", "bad", true],
    ]);
    const reason = await run([
      "get",
      "site",
      "bad",
      "-o",
      'jsonpath={.status.conditions[?(@.type=="Ready")].reason}',
    ]);
    assert.equal(reason.out, "InvalidDomain");
    const events = await run(["events", "--for", "website/bad"]);
    assert.match(events.out, /Warning +InvalidDomain +Website\/bad +"shop\.localhost" is under/);

    assert.equal((await run(["delete", "site", "blog"])).code, 0);
    assert.equal((await run(["get", "site", "blog"])).code, 1);
    assert.equal((await run(["get", "cm", "-o", "name"])).out, "configmap/docs-content\n");
    assert.equal(await exists(`${dir}/dns/default_blog.json`), false);

    const help = await run(["run", "--help"]);
    assert.match(help.out, /--metrics-port PORT/);
    const wrong = await run(["run", "--lease-duration", "soon"]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /invalid --lease-duration "soon"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseDuration reads controller-runtime style durations", () => {
  assert.equal(parseDuration("15s", "x"), 15_000);
  assert.equal(parseDuration("500ms", "x"), 500);
  assert.equal(parseDuration("1.5m", "x"), 90_000);
  assert.equal(parseDuration("2", "x"), 2000);
  assert.throws(() => parseDuration("2 days", "x"), /invalid --x "2 days"/);
});
