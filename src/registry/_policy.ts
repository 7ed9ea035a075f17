// ValidatingAdmissionPolicy in the write path (kube-apiserver's validating admission, after the
// strategy's validation, before the store write): the policies and bindings are read from the
// store and kept for a second (writes of them through this registry refresh at once, as an
// informer would), and the evaluator's lookups (params, namespaces) are fetched between passes,
// so evaluation itself stays synchronous. Internal.
import type { KubeObject } from "../apimachinery/meta.ts";
import { isNotFound } from "../apimachinery/errors.ts";
import { formatLabelSelector } from "../apimachinery/labels.ts";
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "../resources/admissionregistration_v1.ts";
import { Namespace } from "../resources/core_v1.ts";
import type { Kind } from "../scheme/kind.ts";
import type {
  AdmissionRequestInfo,
  ParamSelection,
  PolicyEvaluator,
  PolicyState,
} from "./admission_policy.ts";
import type { AdmissionReader } from "../scheme/kind.ts";
import type { RegistryCore } from "./_core.ts";

const POLICY_PREFIX = "/registry/validatingadmissionpolicies.admissionregistration.k8s.io/";
const BINDING_PREFIX = "/registry/validatingadmissionpolicybindings.admissionregistration.k8s.io/";
/** How long policies read from the store are trusted (other processes' changes show after it). */
const STALE_MS = 1000;

/** Who writes in-process: the local admin, as `k1s serve` authenticates its token. */
const LOCAL_ADMIN = { username: "k1s-admin", groups: ["system:masters", "system:authenticated"] };

/** Kinds whose requests skip policy admission, as kube skips admission configuration. */
const CONFIGURATION_GROUP = "admissionregistration.k8s.io";

interface Snapshot {
  policies: ValidatingAdmissionPolicy[];
  bindings: ValidatingAdmissionPolicyBinding[];
  at: number;
}

/** What a write tells policy admission. */
export interface PolicyRequest {
  operation: "CREATE" | "UPDATE" | "DELETE";
  /** The object written (absent on DELETE). */
  object?: KubeObject;
  /** The object before (UPDATE, DELETE). */
  oldObject?: KubeObject;
  subresource?: string;
  dryRun?: boolean;
  options?: unknown;
  onWarning?: (message: string) => void;
}

/** Policy admission of one registry. */
export class PolicyAdmission {
  readonly #core: RegistryCore;
  readonly #reader: AdmissionReader;
  #snapshot: Snapshot | undefined;
  #evaluator: Promise<PolicyEvaluator> | undefined;

  constructor(core: RegistryCore, reader: AdmissionReader) {
    this.#core = core;
    this.#reader = reader;
  }

  /** Forgets the policies read (a policy or binding was written here). */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  /**
   * Whether a write of `k` needs {@linkcode PolicyAdmission.admit}: policies
   * may apply, or must be read again. Synchronous, so that writes pay
   * nothing (no promise) while there are no policies.
   */
  pending(k: Kind): boolean {
    if (PolicyAdmission.configures(k)) return false;
    const snap = this.#snapshot;
    if (!snap || this.#core.clock.now() - snap.at >= STALE_MS) return true;
    return snap.policies.length > 0 && snap.bindings.length > 0;
  }

  /** Whether `k` is a kind whose writes change what this admits. */
  static configures(k: Kind): boolean {
    return k.group === CONFIGURATION_GROUP;
  }

  async #read(): Promise<Snapshot> {
    const now = this.#core.clock.now();
    const had = this.#snapshot;
    if (had && now - had.at < STALE_MS) return had;
    const store = this.#core.store;
    const [p, b] = await Promise.all([store.list(POLICY_PREFIX), store.list(BINDING_PREFIX)]);
    const snap: Snapshot = {
      policies: p.items.map((kv) => JSON.parse(kv.value) as ValidatingAdmissionPolicy),
      bindings: b.items.map((kv) => JSON.parse(kv.value) as ValidatingAdmissionPolicyBinding),
      at: now,
    };
    this.#snapshot = snap;
    return snap;
  }

  /**
   * Runs the policies that match a write of `k`: throws the denial, passes
   * warnings to `onWarning`. Nothing is read or loaded while there are no
   * policies.
   */
  async admit(k: Kind, req: PolicyRequest): Promise<void> {
    if (PolicyAdmission.configures(k)) return;
    const snap = await this.#read();
    if (snap.policies.length === 0 || snap.bindings.length === 0) return;
    this.#evaluator ??= import("./admission_policy.ts").then((m) => new m.PolicyEvaluator());
    const evaluator = await this.#evaluator;
    const obj = req.object ?? req.oldObject!;
    const info: AdmissionRequestInfo = {
      operation: req.operation,
      kind: { group: k.group, version: k.version, kind: k.kind },
      resource: { group: k.group, version: k.version, resource: k.plural },
      subResource: req.subresource,
      name: obj.metadata.name ?? "",
      namespace: k.group === "" && k.kind === "Namespace"
        ? obj.metadata.name
        : obj.metadata.namespace,
      object: req.object,
      oldObject: req.oldObject,
      dryRun: req.dryRun === true,
      userInfo: LOCAL_ADMIN,
      options: req.options,
    };
    const scheme = this.#core.scheme;
    // Lookups the evaluator asked for, fetched between passes (evaluation is synchronous).
    const found = new Map<string, unknown>();
    for (let pass = 0; pass < 8; pass++) {
      const missing = new Map<string, () => Promise<unknown>>();
      const lookup = <T>(key: string, fetch: () => Promise<T>, none: T): T => {
        if (found.has(key)) return found.get(key) as T;
        missing.set(key, fetch);
        return none;
      };
      const state: PolicyState = {
        policies: snap.policies,
        bindings: snap.bindings,
        paramScope: (apiVersion, kind) => scheme.lookup(apiVersion, kind)?.scope,
        params: (apiVersion, kind, namespace, sel) =>
          lookup(
            `p|${apiVersion}|${kind}|${namespace ?? ""}|${JSON.stringify(sel)}`,
            () => this.#params(apiVersion, kind, namespace, sel),
            [] as KubeObject[],
          ),
        namespace: (name) =>
          lookup(
            `n|${name}`,
            () => this.#reader.get(Namespace, name).catch(notFoundAsUndefined),
            undefined as KubeObject | undefined,
          ),
        equivalents: (resource) =>
          scheme.versions(k.group, k.kind)
            .filter((v) => v.version !== resource.version && v.plural === resource.resource)
            .map((v) => ({
              resource: { group: v.group, version: v.version, resource: v.plural },
              kind: { group: v.group, version: v.version, kind: v.kind },
            })),
        convert: k.conversion
          ? (o, apiVersion) => k.conversion!.convert(structuredClone(o), apiVersion)
          : undefined,
      };
      const result = evaluator.evaluate(info, state);
      if (missing.size > 0) {
        await Promise.all(
          [...missing].map(async ([key, fetch]) => found.set(key, await fetch())),
        );
        continue;
      }
      for (const w of result.warnings) req.onWarning?.(w);
      if (result.denied) throw result.denied;
      return;
    }
  }

  async #params(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    sel: ParamSelection,
  ): Promise<KubeObject[]> {
    const k = this.#core.scheme.lookup(apiVersion, kind);
    if (!k) return [];
    if ("name" in sel) {
      try {
        return [await this.#reader.get(k, sel.name, { namespace })];
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    }
    const list = await this.#reader.list(k, {
      namespace,
      labelSelector: formatLabelSelector(sel.selector) || undefined,
    });
    return list.items;
  }
}

function notFoundAsUndefined(err: unknown): undefined {
  if (isNotFound(err)) return undefined;
  throw err;
}
