/**
 * Field descriptions of the coordination.k8s.io/v1 kind Lease.
 *
 * The descriptions Kubernetes 1.32 serves in its OpenAPI documents (what `kubectl explain`
 * prints): the Go doc comments of `k8s.io/api/coordination/v1/types.go`,
 * k8s.io/api v0.32.9 (commit 9d55c1c7b6618f73d5c58e434f421b1a5f0b12a1), as kube-openapi's generator
 * renders them (lines joined with a space, blank lines kept as paragraph breaks, `+` marker and
 * `TODO` lines dropped, the enum values of an enum-typed field appended). Keyed by Go type, then
 * JSON field name; `""` is the type's own description. Data, not code: keep it Kubernetes' text.
 *
 * @module
 */

export const coordinationV1Docs = {
  Lease: {
    "": "Lease defines a lease concept.",
    spec: "spec contains the specification of the Lease. More info: " +
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
  },
  LeaseSpec: {
    "": "LeaseSpec is a specification of a Lease.",
    holderIdentity: "holderIdentity contains the identity of the holder of a current lease. If " +
      "Coordinated Leader Election is used, the holder identity must be equal to the " +
      "elected LeaseCandidate.metadata.name field.",
    leaseDurationSeconds:
      "leaseDurationSeconds is a duration that candidates for a lease need to wait to " +
      "force acquire it. This is measured against the time of last observed renewTime.",
    acquireTime: "acquireTime is a time when the current lease was acquired.",
    renewTime: "renewTime is a time when the current holder of a lease has last updated the lease.",
    leaseTransitions: "leaseTransitions is the number of transitions of a lease between holders.",
    strategy: "Strategy indicates the strategy for picking the leader for coordinated leader " +
      "election. If the field is not specified, there is no active coordination for this " +
      "lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature " +
      "gate to be enabled.",
    preferredHolder:
      "PreferredHolder signals to a lease holder that the lease has a more optimal " +
      "holder and should be given up. This field can only be set if Strategy is also set.",
  },
} as const;
