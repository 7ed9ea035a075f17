/**
 * The built-in `coordination.k8s.io/v1` kind Lease: a record of who holds a
 * lock and until when, the object client-go's leader election
 * (`src/controller/leader_election.ts`) and node heartbeats write.
 *
 * As in kube-apiserver:
 * - `spec.acquireTime` and `spec.renewTime` are MicroTimes: RFC 3339 with
 *   exactly six fractional digits (`2026-01-02T15:04:05.000000Z`); another
 *   form is refused with the error Go's decoder gives (`parsing time …`), and
 *   an offset other than `Z` is stored in UTC;
 * - validation is `ValidateLeaseSpec` of `pkg/apis/coordination/validation`,
 *   with its messages and field paths (including the doubled
 *   `spec.strategy.strategy` of an unsupported strategy);
 * - `kubectl get leases` prints `NAME HOLDER AGE`.
 *
 * @example
 * ```ts
 * import { createRuntime, Lease } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const lease = await rt.client.create(Lease, {
 *   metadata: { name: "my-lock", namespace: "default" },
 *   spec: { holderIdentity: "a", leaseDurationSeconds: 15 },
 * });
 * assert.equal(lease.apiVersion, "coordination.k8s.io/v1");
 * assert.equal(lease.spec?.holderIdentity, "a");
 * ```
 *
 * @module
 */
import { field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import { isQualifiedName } from "../apimachinery/validation.ts";
import {
  defineObjectKind,
  type Kind,
  type ObjectInput,
  type Schema,
  type SchemaParseResult,
} from "../scheme/kind.ts";
import { type OpenAPISchema, openAPISchema } from "../scheme/openapi.ts";
import { coordinationV1Docs as docs } from "./coordination_v1_docs.ts";

// ---------------------------------------------------------------- types

/** The spec of a Lease (`coordination.k8s.io/v1` LeaseSpec). */
export interface LeaseSpec {
  /** Identity of the current holder; empty or absent when nobody holds the lease. */
  holderIdentity?: string;
  /** How long candidates wait, after the last observed renewal, before taking the lease. */
  leaseDurationSeconds?: number;
  /** When the current holder acquired the lease (MicroTime). */
  acquireTime?: string;
  /** When the current holder last renewed the lease (MicroTime). */
  renewTime?: string;
  /** How many times the lease changed holders. */
  leaseTransitions?: number;
  /** Coordinated leader election strategy, e.g. `OldestEmulationVersion`. */
  strategy?: string;
  /** A better holder the current one should yield to (only with `strategy`). */
  preferredHolder?: string;
}

/** The fields of a Lease besides apiVersion, kind and metadata. */
export interface LeaseFields {
  /** The lease record. */
  spec?: LeaseSpec;
}

/** A Lease, as in coordination.k8s.io/v1. */
export interface Lease extends KubeObject, LeaseFields {}

/** What create accepts for a Lease. */
export type LeaseInput = ObjectInput & LeaseFields;

/** Strategies kube defines for coordinated leader election (`validLeaseStrategies`). */
export const LEASE_STRATEGIES: readonly string[] = ["OldestEmulationVersion"];

// ---------------------------------------------------------------- MicroTime

/** Go's layout of a MicroTime (`metav1.RFC3339Micro`). */
const MICRO_LAYOUT = "2006-01-02T15:04:05.000000Z07:00";

const MICRO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})(Z|[+-]\d{2}:\d{2})$/;

/**
 * Formats a time (ms since the epoch) as a `metav1.MicroTime`: RFC 3339 in
 * UTC with six fractional digits.
 *
 * @example
 * ```ts
 * import { microTime } from "./coordination_v1.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(microTime(Date.UTC(2026, 0, 2, 15, 4, 5, 123)), "2026-01-02T15:04:05.123000Z");
 * ```
 */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + "000Z";
}

/**
 * Parses a `metav1.MicroTime` as kube decodes it (`time.Parse(RFC3339Micro)`):
 * exactly six fractional digits and a `Z` or `±hh:mm` offset. Returns the
 * time in ms since the epoch (microseconds truncated) and the UTC form kube
 * writes back, or the decoding error Go gives.
 *
 * @example
 * ```ts
 * import { parseMicroTime } from "./coordination_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const t = parseMicroTime("2026-01-02T16:04:05.000001+01:00");
 * assert.equal(t.ok && t.text, "2026-01-02T15:04:05.000001Z");
 * assert.equal(parseMicroTime("2026-01-02T15:04:05Z").ok, false);
 * ```
 */
export function parseMicroTime(
  s: string,
): { ok: true; ms: number; text: string } | { ok: false; error: string } {
  const m = MICRO_RE.exec(s);
  const fail = (): { ok: false; error: string } => {
    // The commonest mistake, a Time where a MicroTime belongs, gets Go's exact message.
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(s);
    const rest = time ? s.slice(19) : s;
    const want = time ? ".000000" : "2006";
    return {
      ok: false,
      error: `parsing time ${JSON.stringify(s)} as ${JSON.stringify(MICRO_LAYOUT)}: cannot parse ${
        JSON.stringify(rest)
      } as ${JSON.stringify(want)}`,
    };
  };
  if (!m) return fail();
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const micros = m[7];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  if (
    probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d ||
    h > 23 || mi > 59 || sec > 59
  ) {
    return {
      ok: false,
      error: `parsing time ${JSON.stringify(s)}: ${
        h > 23 || mi > 59 || sec > 59 ? "hour, minute or second out of range" : "day out of range"
      }`,
    };
  }
  let offset = 0;
  if (m[8] !== "Z") {
    const sign = m[8][0] === "-" ? -1 : 1;
    offset = sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) * 60_000;
  }
  const ms = probe.getTime() - offset + Math.floor(Number(micros) / 1000);
  const text = new Date(ms - (ms % 1000 + 1000) % 1000).toISOString().slice(0, 19) +
    `.${micros}Z`;
  return { ok: true, ms, text };
}

// ---------------------------------------------------------------- schema

const str = (description: string): OpenAPISchema => ({ type: "string", description });
const int32 = (description: string): OpenAPISchema => ({
  type: "integer",
  format: "int32",
  description,
});

const fieldsSchema = openAPISchema<LeaseFields>({
  type: "object",
  title: "Lease",
  description: docs.Lease[""],
  properties: {
    spec: {
      type: "object",
      title: "LeaseSpec",
      description: docs.Lease.spec,
      properties: {
        holderIdentity: str(docs.LeaseSpec.holderIdentity),
        leaseDurationSeconds: int32(docs.LeaseSpec.leaseDurationSeconds),
        acquireTime: str(docs.LeaseSpec.acquireTime),
        renewTime: str(docs.LeaseSpec.renewTime),
        leaseTransitions: int32(docs.LeaseSpec.leaseTransitions),
        strategy: str(docs.LeaseSpec.strategy),
        preferredHolder: str(docs.LeaseSpec.preferredHolder),
      },
    },
  },
});

const MICRO_FIELDS = ["acquireTime", "renewTime"] as const;

/**
 * The OpenAPI schema of the Lease's fields, plus the MicroTime decoding Go
 * does: a time in another form fails as a request body kube cannot decode,
 * and a valid one is written back in UTC.
 */
class LeaseSchema implements Schema<LeaseFields, LeaseFields> {
  declare readonly _zod: { readonly output: LeaseFields; readonly input: LeaseFields };

  safeParse(data: unknown): SchemaParseResult<LeaseFields> {
    const parsed = fieldsSchema.safeParse(data) as SchemaParseResult<LeaseFields>;
    if (!parsed.success) return parsed;
    const spec = parsed.data.spec;
    if (!spec) return parsed;
    for (const name of MICRO_FIELDS) {
      const value = spec[name];
      if (typeof value !== "string") continue;
      const t = parseMicroTime(value);
      if (!t.ok) {
        return {
          success: false,
          error: {
            issues: [{
              code: "invalid_format",
              path: ["spec", name],
              message: t.error,
              decodeError: t.error,
            }],
          },
        };
      }
      spec[name] = t.text;
    }
    return parsed;
  }

  toJSONSchema(): unknown {
    return fieldsSchema.toJSONSchema?.();
  }
}

// ---------------------------------------------------------------- validation

/**
 * Validates a Lease's spec as kube's `ValidateLeaseSpec`; paths start at
 * `spec`.
 *
 * @example
 * ```ts
 * import { validateLeaseSpec } from "./coordination_v1.ts";
 * import { formatFieldError } from "../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 *
 * const errs = validateLeaseSpec({ leaseDurationSeconds: 0 });
 * assert.deepEqual(errs.map(formatFieldError), [
 *   "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
 * ]);
 * ```
 */
export function validateLeaseSpec(spec: LeaseSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return errs;
  if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
    errs.push(
      field.invalid(
        "spec.leaseDurationSeconds",
        spec.leaseDurationSeconds,
        "must be greater than 0",
      ),
    );
  }
  if (typeof spec.leaseTransitions === "number" && spec.leaseTransitions < 0) {
    errs.push(
      field.invalid(
        "spec.leaseTransitions",
        spec.leaseTransitions,
        "must be greater than or equal to 0",
      ),
    );
  }
  if (typeof spec.strategy === "string") {
    errs.push(...validateCoordinatedLeaseStrategy(spec.strategy, "spec.strategy"));
  }
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(
      field.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"),
    );
  }
  return errs;
}

/**
 * kube's `ValidateCoordinatedLeaseStrategy`: a name without `/` must be one of
 * {@linkcode LEASE_STRATEGIES}, another must be a qualified name. Like kube,
 * it reports on `<path>.strategy`.
 */
function validateCoordinatedLeaseStrategy(strategy: string, path: string): FieldError[] {
  const at = `${path}.strategy`;
  if (!strategy.includes("/")) {
    return LEASE_STRATEGIES.includes(strategy)
      ? []
      : [field.notSupported(at, strategy, [...LEASE_STRATEGIES])];
  }
  return isQualifiedName(strategy).map((msg) => field.invalid(at, strategy, msg));
}

// ---------------------------------------------------------------- kind

const patchMeta: PatchMeta = {
  metadata: {
    fields: {
      finalizers: { patchStrategy: "merge" },
      ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid" },
    },
  },
};

/**
 * Lease (coordination.k8s.io/v1, namespaced). `kubectl get leases` shows
 * NAME, HOLDER and AGE.
 *
 * @example
 * ```ts
 * import { Lease } from "./coordination_v1.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(Lease.plural, "leases");
 * assert.equal(Lease.scope, "Namespaced");
 * ```
 */
export const Lease: Kind<Lease, LeaseInput> = defineObjectKind({
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  schema: new LeaseSchema(),
  patchMeta,
  validate(obj) {
    return validateLeaseSpec((obj as Lease).spec);
  },
}) as unknown as Kind<Lease, LeaseInput>;

/** Every built-in coordination.k8s.io/v1 kind, in the order a new store registers them. */
export const coordinationV1Kinds: readonly Kind[] = [Lease] as unknown as Kind[];
