// `k1s explain` prints Kubernetes 1.32's field descriptions for the built-in kinds, wrapped as
// kubectl wraps them.
//
// The golden texts are the OpenAPI descriptions of Kubernetes 1.32: the Go doc comments of
// k8s.io/api v0.32.9 (commit 9d55c1c7b6618f73d5c58e434f421b1a5f0b12a1; core/v1 and
// coordination/v1 types.go), k8s.io/apiextensions-apiserver v0.32.9 (commit
// 3df20ff667251e11f81bff9db258a0aac50bd9f7; pkg/apis/apiextensions/v1/types.go) and
// k8s.io/apimachinery v0.32.9 (commit 59e9003f02d6f0c8fff53719a7a0604ec82ee9a9;
// pkg/apis/meta/v1/types.go), as kube-openapi 32ad38e42d3f (the generator 1.32 uses) renders
// them. The modules src/resources/*_docs.ts and src/scheme/meta_v1_docs.ts hold them.
import assert from "node:assert/strict";
import { defineCli } from "../cli/kit.ts";
import { standardCommands } from "../cli/commands/mod.ts";
import { runCli } from "../cli/_test_helpers.ts";
import { metaV1Docs } from "../src/scheme/meta_v1_docs.ts";

const cli = defineCli({ name: "k1s", version: "0", kinds: [], commands: standardCommands() });

async function explain(...args: string[]): Promise<string> {
  const r = await runCli(cli, ["--store", "memory:", "explain", ...args]);
  assert.equal(r.err, "");
  assert.equal(r.code, 0);
  return r.out;
}

/** `text` as explain prints a description: each line indented by `indent` spaces. */
function block(indent: number, text: string): string {
  const pad = " ".repeat(indent);
  return text.split("\n").map((l) => pad + l).join("\n") + "\n";
}

function includes(out: string, expected: string) {
  assert.ok(out.includes(expected), `expected\n${expected}\nin\n${out}`);
}

Deno.test("explain configmap: 1.32's description of the kind and of each field", async () => {
  const out = await explain("configmap");
  includes(
    out,
    "DESCRIPTION:\n" + block(4, "ConfigMap holds configuration data for pods to consume."),
  );
  includes(
    out,
    "  binaryData\t<map[string]string>\n" + block(
      4,
      `BinaryData contains the binary data. Each key must consist of alphanumeric
characters, '-', '_' or '.'. BinaryData can contain byte sequences that are
not in the UTF-8 range. The keys stored in BinaryData must not overlap with
the ones in the Data field, this is enforced during validation process.
Using this field will require 1.10+ apiserver and kubelet.`,
    ),
  );
  includes(
    out,
    "  data\t<map[string]string>\n" + block(
      4,
      `Data contains the configuration data. Each key must consist of alphanumeric
characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use
the BinaryData field. The keys stored in Data must not overlap with the keys
in the BinaryData field, this is enforced during validation process.`,
    ),
  );
  includes(
    out,
    "  immutable\t<boolean>\n" + block(
      4,
      `Immutable, if set to true, ensures that data stored in the ConfigMap cannot
be updated (only object metadata can be modified). If not set to true, the
field can be modified at any time. Defaulted to nil.`,
    ),
  );
});

Deno.test("explain configmap.data: the field's description", async () => {
  includes(
    await explain("configmap.data"),
    "DESCRIPTION:\n" + block(
      4,
      `Data contains the configuration data. Each key must consist of alphanumeric
characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use
the BinaryData field. The keys stored in Data must not overlap with the keys
in the BinaryData field, this is enforced during validation process.`,
    ),
  );
});

Deno.test("explain secret.type and secret.data", async () => {
  includes(
    await explain("secret.type"),
    "DESCRIPTION:\n" + block(
      4,
      `Used to facilitate programmatic handling of secret data. More info:
https://kubernetes.io/docs/concepts/configuration/secret/#secret-types`,
    ),
  );
  includes(
    await explain("secret.data"),
    "DESCRIPTION:\n" + block(
      4,
      `Data contains the secret data. Each key must consist of alphanumeric
characters, '-', '_' or '.'. The serialized form of the secret data is a
base64 encoded string, representing the arbitrary (possibly non-string) data
value here. Described in https://tools.ietf.org/html/rfc4648#section-4`,
    ),
  );
});

Deno.test("explain namespace.spec.finalizers and namespace.status.phase (an enum)", async () => {
  includes(
    await explain("namespace.spec.finalizers"),
    "DESCRIPTION:\n" + block(
      4,
      `Finalizers is an opaque list of values that must be empty to permanently
remove object from storage. More info:
https://kubernetes.io/docs/tasks/administer-cluster/namespaces/`,
    ),
  );
  const phase = await explain("namespace.status.phase");
  includes(
    phase,
    "DESCRIPTION:\n" + block(
      4,
      `Phase is the current lifecycle phase of the namespace. More info:
https://kubernetes.io/docs/tasks/administer-cluster/namespaces/

Possible enum values:`,
    ),
  );
  // The value lines (kubectl keeps their leading space; only the text is checked here).
  includes(phase, '- `"Active"` means the namespace is available for use in the system\n');
  includes(phase, '- `"Terminating"` means the namespace is undergoing graceful termination\n');
});

Deno.test("explain lease.spec.holderIdentity", async () => {
  includes(
    await explain("lease.spec.holderIdentity"),
    "DESCRIPTION:\n" + block(
      4,
      `holderIdentity contains the identity of the holder of a current lease. If
Coordinated Leader Election is used, the holder identity must be equal to
the elected LeaseCandidate.metadata.name field.`,
    ),
  );
});

Deno.test("explain crd.spec.versions: the field, then the item type's description", async () => {
  includes(
    await explain("customresourcedefinition.spec.versions"),
    "DESCRIPTION:\n" + block(
      4,
      `versions is the list of all API versions of the defined custom resource.
Version names are used to compute the order in which served versions are
listed in API discovery. If the version string is "kube-like", it will sort
above non "kube-like" version strings, which are ordered lexicographically.
"Kube-like" versions start with a "v", then are followed by a number (the
major version), then optionally the string "alpha" or "beta" and another
number (the minor version). These are sorted first by GA > beta > alpha
(where GA is a version with no suffix such as beta or alpha), and then by
comparing major version, then minor version. An example sorted list of
versions: v10, v2, v1, v11beta2, v10beta3, v3beta1, v12alpha1, v11alpha2,
foo1, foo10.
CustomResourceDefinitionVersion describes a version for CRD.`,
    ),
  );
});

Deno.test("explain serviceaccount.secrets: ObjectReference's description for the items", async () => {
  includes(
    await explain("serviceaccount.secrets"),
    block(
      4,
      `service account token secrets can be manually created. More info:
https://kubernetes.io/docs/concepts/configuration/secret
ObjectReference contains enough information to let you inspect or modify the
referred object.`,
    ),
  );
});

Deno.test("explain validatingadmissionpolicy.spec.failurePolicy", async () => {
  includes(
    await explain("validatingadmissionpolicy.spec.failurePolicy"),
    "DESCRIPTION:\n" + block(
      4,
      `failurePolicy defines how to handle failures for the admission policy.
Failures can occur from CEL expression parse errors, type check errors,
runtime errors and invalid or mis-configured policy definitions or bindings.`,
    ),
  );
});

Deno.test({
  name: "explain configmap.metadata: ObjectMeta's 1.32 descriptions",
  fn: async () => {
    includes(
      await explain("configmap.metadata"),
      "DESCRIPTION:\n" + block(
        4,
        `Standard object's metadata. More info:
https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata`,
      ),
    );
    includes(
      await explain("configmap.metadata.name"),
      "DESCRIPTION:\n" + block(
        4,
        `Name must be unique within a namespace. Is required when creating resources,
although some resources may allow a client to request the generation of an
appropriate name automatically. Name is primarily intended for creation
idempotence and configuration definition. Cannot be updated. More info:
https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names`,
      ),
    );
    includes(
      await explain("configmap.metadata.labels"),
      "DESCRIPTION:\n" + block(
        4,
        `Map of string keys and values that can be used to organize and categorize
(scope and select) objects. May match selectors of replication controllers
and services. More info:
https://kubernetes.io/docs/concepts/overview/working-with-objects/labels`,
      ),
    );
    includes(
      await explain("configmap.metadata.ownerReferences"),
      "DESCRIPTION:\n" + block(
        4,
        `List of objects depended by this object. If ALL objects in the list have
been deleted, this object will be garbage collected. If this object is
managed by a controller, then an entry in this list will point to this
controller, with the controller field set to true. There cannot be more than
one managing controller.
OwnerReference contains enough information to let you identify an owning
object. An owning object must be in the same namespace as the dependent, or
be cluster-scoped, so there is no namespace field.`,
      ),
    );
  },
});

Deno.test("metaV1Docs holds 1.32's ObjectMeta texts (for explain.ts to use)", () => {
  assert.equal(
    metaV1Docs.ObjectMeta.labels,
    "Map of string keys and values that can be used to organize and categorize (scope and " +
      "select) objects. May match selectors of replication controllers and services. More " +
      "info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels",
  );
  assert.equal(
    metaV1Docs.OwnerReference.blockOwnerDeletion,
    'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner ' +
      "cannot be deleted from the key-value store until this reference is removed. See " +
      "https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion " +
      "for how the garbage collector interacts with this field and enforces the foreground " +
      'deletion. Defaults to false. To set this field, a user needs "delete" permission of ' +
      "the owner, otherwise 422 (Unprocessable Entity) will be returned.",
  );
});
