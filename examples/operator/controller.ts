/**
 * The Website controller: what an operator written with controller-runtime
 * or kube-rs does, on k1s.
 *
 * For each Website it
 *
 * - guards an external resource, a DNS record (a JSON file in `dnsDir`),
 *   with the finalizer `sites.example.k1s.dev/dns`: written in `apply`,
 *   removed in `cleanup`, before the Website may disappear;
 * - owns a ConfigMap `<name>-content` (the page) and, while `spec.tls` is
 *   set, a Secret `<name>-tls` (a fake certificate that expires); the
 *   children carry a controller reference, so the garbage collector removes
 *   them with the Website and their changes wake the Website's reconcile;
 * - renews the certificate shortly before it expires, by asking to be
 *   reconciled again then (`requeueAfterMs`);
 * - reports `Ready` and `DNSRecorded` conditions with the generation they
 *   were computed from, writing status only when something changed;
 * - records Events (`Created`, `Updated`, `Renewed`, `Deleted`,
 *   `DNSRecorded`, `DNSRecordDeleted`, and the Warning `InvalidDomain`) and
 *   logs through the reconcile's logger.
 *
 * A domain that cannot be served is a {@linkcode TerminalError}: status says
 * why (Ready=False, reason InvalidDomain) and the request is not retried
 * until the Website changes.
 *
 * @module
 */
import {
  type Condition,
  ConfigMap,
  type Controller,
  controllerFor,
  createOrUpdate,
  finalizer,
  getControllerOf,
  getOrUndefined,
  ignoreNotFound,
  type Logger,
  type ObjectOf,
  type ReconcileContext,
  type Result,
  Secret,
  setControllerReference,
  setStatusCondition,
  type Stored,
  TerminalError,
} from "@k1s/k1s";
import { GROUP, Website } from "./kinds.ts";

/** The finalizer guarding a Website's DNS record. */
export const DNS_FINALIZER = `${GROUP}/dns`;

/** Annotation of the TLS Secret: when its certificate expires (RFC 3339). */
export const NOT_AFTER_ANNOTATION = `${GROUP}/not-after`;

/** Annotation of the TLS Secret: the domain its certificate is for. */
export const DOMAIN_ANNOTATION = `${GROUP}/domain`;

/** Options of {@linkcode websiteController}. */
export interface WebsiteControllerOptions {
  /** Directory of the DNS records, one `<namespace>_<name>.json` per Website. */
  dnsDir: string;
  /** How long a certificate is valid, in ms. Default 24 hours. */
  tlsValidityMs?: number;
  /** Renew a certificate this long before it expires, in ms. Default a third of the validity. */
  renewBeforeMs?: number;
  /** Base logger of the reconciles. Default: JSON lines on standard error. */
  logger?: Logger;
}

/** A Website as the controller reads it. */
type Site = Stored<ObjectOf<typeof Website>>;

/** The ConfigMap holding a Website's content. */
export function contentName(website: string): string {
  return `${website}-content`;
}

/** The Secret holding a Website's certificate. */
export function tlsName(website: string): string {
  return `${website}-tls`;
}

/** Where the DNS record of `namespace/name` is kept. */
export function dnsRecordPath(dnsDir: string, namespace: string, name: string): string {
  return `${dnsDir.replace(/\/+$/, "")}/${namespace}_${name}.json`;
}

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const RESERVED_TLDS = new Set(["invalid", "localhost", "local", "internal"]);

/** Why `domain` cannot be served, or undefined when it can. */
export function domainProblem(domain: string): string | undefined {
  const labels = domain.split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return `"${domain}" is not a fully qualified DNS name (lowercase labels separated by dots)`;
  }
  const tld = labels[labels.length - 1];
  if (RESERVED_TLDS.has(tld)) return `"${domain}" is under the reserved top-level domain .${tld}`;
  return undefined;
}

/**
 * The Website controller. It owns ConfigMaps and Secrets; add it to a
 * manager (`rt.manager()`), or to a CLI's `controllers`.
 *
 * @example
 * ```ts ignore
 * await using rt = await createRuntime({ kinds: [Website] });
 * const mgr = rt.manager();
 * mgr.add(websiteController({ dnsDir: "/var/lib/sites/dns" }));
 * await mgr.start(signal, { leaderElection: {} });
 * ```
 */
export function websiteController(options: WebsiteControllerOptions): Controller {
  const validityMs = options.tlsValidityMs ?? 24 * 60 * 60 * 1000;
  const renewBeforeMs = options.renewBeforeMs ?? Math.floor(validityMs / 3);
  const builder = controllerFor(Website)
    .named("website")
    .owns(ConfigMap)
    .owns(Secret);
  if (options.logger) builder.withOptions({ logger: options.logger });
  return builder.complete(async (req, ctx) => {
    const site = await getOrUndefined(ctx.reader, Website, req.name, {
      namespace: req.namespace,
    }) as Site | undefined;
    if (!site) return; // deleted; its children go with it (owner references)
    return await finalizer(ctx.client, Website, DNS_FINALIZER, site, {
      apply: (s) => apply(s as Site, ctx, { ...options, validityMs, renewBeforeMs }),
      cleanup: (s) => cleanup(s as Site, ctx, options.dnsDir),
    });
  });
}

interface Settings {
  dnsDir: string;
  validityMs: number;
  renewBeforeMs: number;
}

async function apply(site: Site, ctx: ReconcileContext, settings: Settings): Promise<Result> {
  const { name } = site.metadata;
  const namespace = site.metadata.namespace!;
  const generation = site.metadata.generation;
  const status = structuredClone(site.status ?? {});
  const conditions = status.conditions ?? [];

  const problem = domainProblem(site.spec.domain);
  if (problem) {
    // Nothing may point at a domain we will not serve: drop a record of an earlier one.
    await removeDnsRecord(site, ctx, settings.dnsDir);
    const transitioned = setStatusCondition(conditions, {
      type: "Ready",
      status: "False",
      reason: "InvalidDomain",
      message: problem,
      observedGeneration: generation,
    });
    setStatusCondition(conditions, {
      type: "DNSRecorded",
      status: "False",
      reason: "InvalidDomain",
      message: "no DNS record for a domain that cannot be served",
      observedGeneration: generation,
    });
    const wrote = await writeStatus(site, ctx, { conditions, observedGeneration: generation });
    // Status already said so (the reconcile our own status write caused, or a resync): the
    // problem was reported for this generation; no second error, no second Warning.
    if (!wrote) return {};
    if (transitioned) await ctx.recorder.event(site, "Warning", "InvalidDomain", problem);
    // Retrying cannot fix the spec; the next change to the Website reconciles it again.
    throw new TerminalError(`website ${namespace}/${name}: ${problem}`);
  }

  const url = `${site.spec.tls ? "https" : "http"}://${site.spec.domain}/`;

  // The content.
  const content = await createOrUpdate(
    ctx.client,
    ConfigMap,
    { namespace, name: contentName(name) },
    (cm) => {
      cm.metadata.labels = { ...cm.metadata.labels, ...childLabels(name) };
      cm.data = { "index.html": site.spec.content, replicas: String(site.spec.replicas) };
      setControllerReference(site, cm);
    },
  );
  await reportChild(site, ctx, "ConfigMap", content.object.metadata.name!, content.operation);

  // The certificate.
  let requeueAfterMs: number | undefined;
  if (site.spec.tls) {
    requeueAfterMs = await ensureCertificate(site, ctx, settings);
  } else {
    const secret = await getOrUndefined(ctx.reader, Secret, tlsName(name), { namespace });
    if (secret && getControllerOf(secret)?.uid === site.metadata.uid) {
      await ctx.client.delete(Secret, tlsName(name), { namespace }).catch(ignoreNotFound);
      ctx.log.info("Deleted certificate", { secret: tlsName(name) });
      await ctx.recorder.event(
        site,
        "Normal",
        "Deleted",
        `Deleted Secret ${namespace}/${tlsName(name)} (tls is off)`,
      );
    }
  }

  // The external resource.
  const file = dnsRecordPath(settings.dnsDir, namespace, name);
  const record = JSON.stringify({ website: `${namespace}/${name}`, domain: site.spec.domain, url });
  const current = await Deno.readTextFile(file).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  });
  if (current?.trim() !== record) {
    await Deno.mkdir(settings.dnsDir, { recursive: true });
    // Write-then-rename: a reader never sees half a record.
    const tmp = `${file}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, record + "\n");
    await Deno.rename(tmp, file);
    ctx.log.info("Wrote DNS record", { file, domain: site.spec.domain });
    await ctx.recorder.event(
      site,
      "Normal",
      "DNSRecorded",
      `DNS record ${site.spec.domain} -> ${url}`,
    );
  }

  setStatusCondition(conditions, {
    type: "DNSRecorded",
    status: "True",
    reason: "Recorded",
    message: `${site.spec.domain} points at the site`,
    observedGeneration: generation,
  });
  const replicas = site.spec.replicas;
  setStatusCondition(conditions, {
    type: "Ready",
    status: "True",
    reason: "Serving",
    message: `${replicas} replica${replicas === 1 ? "" : "s"} serving ${url}`,
    observedGeneration: generation,
  });
  await writeStatus(site, ctx, { conditions, observedGeneration: generation, url });
  return requeueAfterMs === undefined ? {} : { requeueAfterMs };
}

/** Issues or renews the certificate when needed; returns when to look again. */
async function ensureCertificate(
  site: Site,
  ctx: ReconcileContext,
  settings: Settings,
): Promise<number> {
  const { name } = site.metadata;
  const namespace = site.metadata.namespace!;
  const now = Date.now();
  const secret = await getOrUndefined(ctx.reader, Secret, tlsName(name), { namespace });
  const notAfter = Date.parse(secret?.metadata.annotations?.[NOT_AFTER_ANNOTATION] ?? "");
  const sameDomain = secret?.metadata.annotations?.[DOMAIN_ANNOTATION] === site.spec.domain;
  if (
    secret && sameDomain && Number.isFinite(notAfter) && now < notAfter - settings.renewBeforeMs
  ) {
    return notAfter - settings.renewBeforeMs - now;
  }
  const expires = now + settings.validityMs;
  const issued = await createOrUpdate(
    ctx.client,
    Secret,
    { namespace, name: tlsName(name) },
    (s) => {
      s.metadata.labels = { ...s.metadata.labels, ...childLabels(name) };
      s.metadata.annotations = {
        ...s.metadata.annotations,
        [NOT_AFTER_ANNOTATION]: new Date(expires).toISOString(),
        [DOMAIN_ANNOTATION]: site.spec.domain,
      };
      s.type = "kubernetes.io/tls";
      s.data = fakeCertificate(site.spec.domain, expires);
      setControllerReference(site, s);
    },
  );
  const renewal = secret !== undefined && issued.operation === "updated";
  ctx.log.info(renewal ? "Renewed certificate" : "Issued certificate", {
    secret: tlsName(name),
    notAfter: new Date(expires).toISOString(),
  });
  if (renewal) {
    await ctx.recorder.event(
      site,
      "Normal",
      "Renewed",
      `Renewed the certificate in Secret ${namespace}/${tlsName(name)}`,
    );
  } else {
    await reportChild(site, ctx, "Secret", tlsName(name), issued.operation);
  }
  return Math.max(0, expires - settings.renewBeforeMs - Date.now());
}

async function cleanup(site: Site, ctx: ReconcileContext, dnsDir: string): Promise<void> {
  await removeDnsRecord(site, ctx, dnsDir);
  // The ConfigMap and Secret carry a controller reference: the garbage collector removes them.
}

async function removeDnsRecord(site: Site, ctx: ReconcileContext, dnsDir: string): Promise<void> {
  const { name } = site.metadata;
  const file = dnsRecordPath(dnsDir, site.metadata.namespace!, name);
  let domain: string | undefined;
  try {
    // The record names the domain it was written for, which spec may no longer say.
    domain = (JSON.parse(await Deno.readTextFile(file)) as { domain?: string }).domain;
  } catch {
    // Missing or unreadable: removing it is all that matters.
  }
  try {
    await Deno.remove(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return; // already gone: cleanup is idempotent
    throw err;
  }
  ctx.log.info("Removed DNS record", { file, domain });
  await ctx.recorder.event(
    site,
    "Normal",
    "DNSRecordDeleted",
    `Removed the DNS record${domain ? ` of ${domain}` : ""}`,
  );
}

/**
 * Writes status when it differs from what was read (a no-op write would wake watchers); true
 * when it wrote.
 */
async function writeStatus(
  site: Site,
  ctx: ReconcileContext,
  next: { conditions: Condition[]; observedGeneration?: number; url?: string },
): Promise<boolean> {
  const status = { ...next };
  if (status.url === undefined) delete status.url;
  if (JSON.stringify(canonical(site.status ?? {})) === JSON.stringify(canonical(status))) {
    return false;
  }
  await ctx.client.status.update(Website, { ...site, status });
  return true;
}

function canonical(status: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(status).filter(([, v]) => v !== undefined).sort(([a], [b]) => a < b ? -1 : 1),
  );
}

async function reportChild(
  site: Site,
  ctx: ReconcileContext,
  kind: string,
  child: string,
  operation: "created" | "updated" | "unchanged",
): Promise<void> {
  if (operation === "unchanged") return;
  const reason = operation === "created" ? "Created" : "Updated";
  ctx.log.info(`${reason} ${kind}`, { child });
  await ctx.recorder.event(
    site,
    "Normal",
    reason,
    `${reason} ${kind} ${site.metadata.namespace}/${child}`,
  );
}

function childLabels(website: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "sites-operator",
    [`${GROUP}/website`]: website,
  };
}

/** A stand-in for a certificate and key: what a TLS Secret holds, base64-encoded. */
function fakeCertificate(domain: string, expires: number): Record<string, string> {
  const body = btoa(JSON.stringify({
    subject: domain,
    notAfter: new Date(expires).toISOString(),
    serial: crypto.randomUUID(),
  }));
  const pem = (label: string, b64: string) =>
    `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
  return {
    "tls.crt": btoa(pem("CERTIFICATE", body)),
    "tls.key": btoa(pem("PRIVATE KEY", btoa(crypto.randomUUID()))),
  };
}
