// A corpus of realistic CustomResourceDefinitions, modelled on widely used operators, that holds
// k1s to what kube's apiextensions server does: pruning, defaulting, schema and CEL validation,
// transition rules, reads through another version, subresources, and CRDs kube refuses.
//
// Every expected message is derived from kube's source, not from running k1s:
// - schema messages: kube-openapi pkg/validation/errors/schema.go (e.g. `%s in %s should match
//   '%s'`), paths from pkg/validation/validate/object_validator.go and slice_validator.go;
// - their wrapping: apiextensions-apiserver pkg/apiserver/validation/validation.go
//   (kubeOpenAPIResultToFieldErrors) and apimachinery pkg/util/validation/field/errors.go;
// - the order of the phases: pkg/registry/customresource/strategy.go (schema, embedded
//   resources, list-type maps/sets, then CEL unless an error "blocks" it: hasBlockingErr);
// - CEL: pkg/apiserver/schema/cel/validation.go (validateExpressions, fieldErrorForReason);
// - CRD refusals: pkg/apis/apiextensions/validation/validation.go.
// Go iterates maps in random order, so kube orders errors of sibling properties randomly; k1s
// uses schema order, and so do these assertions.
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  type ApiError,
  createRuntime,
  CustomResourceDefinition,
  type CustomResourceDefinitionInput,
  type Kind,
  type KubeObject,
  type Runtime,
} from "@k1s/k1s";

const FIXTURES = new URL("./fixtures/crds/", import.meta.url);

async function crd(name: string): Promise<CustomResourceDefinitionInput> {
  return parse(await Deno.readTextFile(new URL(name, FIXTURES))) as CustomResourceDefinitionInput;
}

async function serve(name: string, plural: string): Promise<{ rt: Runtime; kind: Kind }> {
  const rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, await crd(name));
  const kind = rt.scheme.resolve(plural);
  assert.ok(kind, `${plural} is served`);
  return { rt, kind };
}

function messageOf(err: unknown): string {
  return (err as ApiError).message;
}

async function rejectsWith(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (err) => {
    assert.equal(messageOf(err), message);
    return true;
  });
}

type Obj = KubeObject & { spec?: any; status?: any };

// kube: strategy.go hasBlockingErr — CEL rules are not run when the schema found a
// NotSupported, Required, TooLong, TooMany or TypeInvalid error; field.Invalid(nil, nil, ...)
// prints its nil path as "<nil>" and its nil value as JSON "null".
const CEL_NOT_CHECKED =
  "<nil>: Invalid value: null: some validation rules were not checked because the object was " +
  "invalid; correct the existing errors to complete validation";

const DURATION = "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$";
const PROM_DURATION =
  "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";
const QUANTITY = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|" +
  "([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

// ---------------------------------------------------------------------------------------------
// Certificate (cert-manager-like)

const CERT = {
  metadata: { name: "web" },
  spec: {
    secretName: "web-tls",
    commonName: "web.example.com",
    dnsNames: ["web.example.com", "www.example.com"],
    duration: "2160h",
    renewBefore: "360h",
    issuerRef: { name: "letsencrypt" },
    privateKey: { algorithm: "ECDSA", size: 256 },
    usages: ["server auth"],
  },
};

Deno.test("Certificate: defaults nested objects, warns on unknown fields, Strict refuses them", async () => {
  const { rt, kind } = await serve("certificate.yaml", "certificates");
  await using _ = rt;
  const warnings: string[] = [];
  const made = await rt.client.create(kind, {
    ...CERT,
    spec: { ...CERT.spec, extraField: "x" },
  }, { onWarning: (w) => warnings.push(w) }) as Obj;
  assert.deepEqual(warnings, ['unknown field "spec.extraField"']);
  assert.deepEqual(made.spec, {
    secretName: "web-tls",
    commonName: "web.example.com",
    dnsNames: ["web.example.com", "www.example.com"],
    duration: "2160h",
    renewBefore: "360h",
    issuerRef: { name: "letsencrypt", kind: "Issuer", group: "cert-manager.example.io" },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
    usages: ["server auth"],
  });
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "strict" },
      spec: { ...CERT.spec, extraField: "x" },
    }, { fieldValidation: "Strict" }),
    'Certificate in version "v1" cannot be handled as a Certificate: strict decoding error: ' +
      'unknown field "spec.extraField"',
  );
});

// kube appends a notice when a blocking schema error stops the CEL rules:
// apiextensions-apiserver pkg/registry/customresource/strategy.go, Validate: `if has, err :=
// hasBlockingErr(errs); has { errs = append(errs, err) }`.
Deno.test({
  name: "Certificate: schema errors (minLength, pattern, enum) block the CEL rules",
  fn: async () => {
    const { rt, kind } = await serve("certificate.yaml", "certificates");
    await using _ = rt;
    await rejectsWith(
      rt.client.create(kind, {
        metadata: { name: "bad" },
        spec: {
          secretName: "",
          duration: "90d",
          issuerRef: { name: "ca", kind: "ExternalIssuer" },
        },
      }),
      'Certificate.cert-manager.example.io "bad" is invalid: [' +
        'spec.secretName: Invalid value: "": spec.secretName in body should be at least 1 chars long, ' +
        `spec.duration: Invalid value: "90d": spec.duration in body should match '${DURATION}', ` +
        'spec.issuerRef.kind: Unsupported value: "ExternalIssuer": supported values: "Issuer", "ClusterIssuer", ' +
        `${CEL_NOT_CHECKED}]`,
    );
  },
});

Deno.test("Certificate: CEL rules with message, messageExpression and fieldPath", async () => {
  const { rt, kind } = await serve("certificate.yaml", "certificates");
  await using _ = rt;
  // validateExpressions: rules of a node before its children; the value of an object is omitted.
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "rules" },
      spec: {
        secretName: "s",
        issuerRef: { name: "ca" },
        duration: "1h",
        renewBefore: "2h",
        privateKey: { algorithm: "ECDSA", size: 2048 },
      },
    }),
    'Certificate.cert-manager.example.io "rules" is invalid: [' +
      "spec: Invalid value: at least one of commonName or dnsNames must be set, " +
      "spec.renewBefore: Invalid value: renewBefore (2h) must be shorter than duration (1h), " +
      "spec.privateKey: Invalid value: ECDSA keys must have size 256, 384 or 521, not 2048]",
  );
});

Deno.test("Certificate: read through v1beta1, its schema prunes and defaults (conversion None)", async () => {
  const { rt, kind } = await serve("certificate.yaml", "certificates");
  await using _ = rt;
  await rt.client.create(kind, CERT);
  const beta = rt.scheme.versions("cert-manager.example.io", "Certificate").find((k) =>
    k.version === "v1beta1"
  );
  assert.ok(beta);
  // customresource_handler.go: schemaCoercingConverter prunes with the target version's schema,
  // unstructuredDefaulter defaults with it.
  const read = await rt.client.get(beta, "web") as Obj;
  assert.equal(read.apiVersion, "cert-manager.example.io/v1beta1");
  assert.deepEqual(read.spec.privateKey, { algorithm: "ECDSA", size: 256, encoding: "PKCS1" });
  assert.deepEqual(read.spec.issuerRef, {
    name: "letsencrypt",
    kind: "Issuer",
    group: "cert-manager.example.io",
  });
});

// ---------------------------------------------------------------------------------------------
// ServiceMonitor (Prometheus-operator-like)

Deno.test("ServiceMonitor: list-map endpoints are defaulted, preserved subtrees keep unknown fields", async () => {
  const { rt, kind } = await serve("servicemonitor.yaml", "servicemonitors");
  await using _ = rt;
  const relabel = { sourceLabels: ["__meta_pod"], action: "replace", targetLabel: "pod" };
  const tls = { insecureSkipVerify: true, ca: { secret: { name: "ca", key: "ca.crt" } } };
  const warnings: string[] = [];
  const made = await rt.client.create(kind, {
    metadata: { name: "web" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      endpoints: [
        {
          port: "web",
          targetPort: 8080,
          interval: "30s",
          bogus: 1,
          relabelings: [relabel],
          tlsConfig: tls,
        },
        { port: "metrics", targetPort: "http-metrics" },
      ],
    },
  }, { onWarning: (w) => warnings.push(w) }) as Obj;
  assert.deepEqual(warnings, ['unknown field "spec.endpoints[0].bogus"']);
  assert.deepEqual(made.spec, {
    selector: { matchLabels: { app: "web" } },
    endpoints: [
      {
        port: "web",
        targetPort: 8080,
        interval: "30s",
        scheme: "http",
        path: "/metrics",
        relabelings: [relabel],
        tlsConfig: tls,
      },
      { port: "metrics", targetPort: "http-metrics", scheme: "http", path: "/metrics" },
    ],
  });
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "strict" },
      spec: { selector: {}, endpoints: [{ port: "web", bogus: 1 }] },
    }, { fieldValidation: "Strict" }),
    'ServiceMonitor in version "v1" cannot be handled as a ServiceMonitor: strict decoding error: ' +
      'unknown field "spec.endpoints[0].bogus"',
  );
});

Deno.test("ServiceMonitor: enum, int-or-string type, pattern, then the duplicate list-map key", async () => {
  const { rt, kind } = await serve("servicemonitor.yaml", "servicemonitors");
  await using _ = rt;
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "bad" },
      spec: {
        selector: { matchExpressions: [{ key: "app", operator: "Matches" }] },
        endpoints: [
          { port: "web", targetPort: true, interval: "5minutes" },
          { port: "web", scheme: "ftp" },
        ],
      },
    }),
    'ServiceMonitor.monitoring.example.com "bad" is invalid: [' +
      'spec.selector.matchExpressions[0].operator: Unsupported value: "Matches": supported values: ' +
      '"In", "NotIn", "Exists", "DoesNotExist", ' +
      // type.go: the type of int-or-string is "integer,string"; the bad value is the JSON type.
      'spec.endpoints[0].targetPort: Invalid value: "boolean": spec.endpoints[0].targetPort in body ' +
      'must be of type integer,string: "boolean", ' +
      `spec.endpoints[0].interval: Invalid value: "5minutes": spec.endpoints[0].interval in body should match '${PROM_DURATION}', ` +
      'spec.endpoints[1].scheme: Unsupported value: "ftp": supported values: "http", "https", ' +
      'spec.endpoints[1]: Duplicate value: {"port":"web"}]',
  );
  // A required property of the root: object_validator.go names it ".spec", trimmed.
  await rejectsWith(
    rt.client.create(kind, { metadata: { name: "empty" } }),
    'ServiceMonitor.monitoring.example.com "empty" is invalid: spec: Required value',
  );
});

// ---------------------------------------------------------------------------------------------
// Workflow (Argo-like)

const WORKFLOW = {
  metadata: { name: "hello" },
  spec: {
    entrypoint: "main",
    parallelism: 2,
    nodeSelector: { "kubernetes.io/os": "linux" },
    arguments: { parameters: [{ name: "msg", value: "hi" }] },
    templates: [
      {
        name: "main",
        steps: [
          [{ name: "a", template: "make-cm" }],
          [{ name: "b", template: "make-cm", when: "{{steps.a.status}} == Succeeded" }],
        ],
      },
      {
        name: "make-cm",
        metadata: { labels: { team: "x" }, annotations: { "example.io/note": "n" } },
        resource: {
          action: "create",
          manifest: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "out", labels: { a: "b" } },
            data: { k: "v" },
          },
        },
      },
    ],
    volumeClaimTemplates: [{
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "work" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    }],
  },
};

Deno.test("Workflow: deep nesting, maps and embedded resources are stored as given", async () => {
  const { rt, kind } = await serve("workflow.yaml", "workflows");
  await using _ = rt;
  const warnings: string[] = [];
  const input = structuredClone(WORKFLOW) as any;
  input.spec.templates[0].steps[1][0].extra = 1;
  const made = await rt.client.create(kind, input, { onWarning: (w) => warnings.push(w) }) as Obj;
  // pruning.go: list indices are subscripts of the path.
  assert.deepEqual(warnings, ['unknown field "spec.templates[0].steps[1][0].extra"']);
  assert.deepEqual(made.spec, WORKFLOW.spec);
  await rejectsWith(
    rt.client.create(kind, { ...input, metadata: { name: "strict" } }, {
      fieldValidation: "Strict",
    }),
    'Workflow in version "v1alpha1" cannot be handled as a Workflow: strict decoding error: ' +
      'unknown field "spec.templates[0].steps[1][0].extra"',
  );
});

Deno.test("Workflow: embedded resources need apiVersion and kind, well formed", async () => {
  const { rt, kind } = await serve("workflow.yaml", "workflows");
  await using _ = rt;
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "bad" },
      spec: {
        entrypoint: "main",
        parallelism: 0,
        templates: [
          {
            name: "main",
            resource: { action: "create", manifest: { apiVersion: "v1", metadata: { name: "x" } } },
          },
          {
            name: "other",
            resource: { action: "apply", manifest: { apiVersion: "v1", kind: "Config_Map" } },
          },
        ],
        volumeClaimTemplates: [{ apiVersion: "a/b/c", kind: "PersistentVolumeClaim" }],
      },
    }),
    // The schema's errors, then objectmeta/validation.go's for embedded resources.
    'Workflow.argoproj.example.io "bad" is invalid: [' +
      "spec.parallelism: Invalid value: 0: spec.parallelism in body should be greater than or equal to 1, " +
      "spec.templates[0].resource.manifest.kind: Required value, " +
      'spec.templates[1].resource.manifest.kind: Invalid value: "Config_Map": may have mixed case, ' +
      "but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters " +
      "or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. " +
      "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), " +
      'spec.volumeClaimTemplates[0].apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c]',
  );
});

// ---------------------------------------------------------------------------------------------
// Gateway (Gateway-API / Crossplane-like: many CEL rules)

const GATEWAY = {
  metadata: { name: "edge" },
  spec: {
    gatewayClassName: "eg",
    listeners: [
      { name: "http", port: 80, protocol: "HTTP" },
      { name: "https", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ name: "cert" }] } },
    ],
    infrastructure: { labels: { team: "net" } },
  },
};

Deno.test("Gateway: valid object is defaulted; unknown fields warn and fail under Strict", async () => {
  const { rt, kind } = await serve("gateway.yaml", "gateways");
  await using _ = rt;
  const warnings: string[] = [];
  const made = await rt.client.create(kind, {
    ...GATEWAY,
    spec: { ...GATEWAY.spec, color: "blue" },
  }, { onWarning: (w) => warnings.push(w) }) as Obj;
  assert.deepEqual(warnings, ['unknown field "spec.color"']);
  assert.deepEqual(made.spec, {
    gatewayClassName: "eg",
    listeners: [
      { name: "http", port: 80, protocol: "HTTP" },
      {
        name: "https",
        port: 443,
        protocol: "HTTPS",
        tls: { mode: "Terminate", certificateRefs: [{ name: "cert" }] },
      },
    ],
    infrastructure: { labels: { team: "net" } },
  });
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "strict" },
      spec: { ...GATEWAY.spec, color: "blue" },
    }, { fieldValidation: "Strict" }),
    'Gateway in version "v1" cannot be handled as a Gateway: strict decoding error: unknown field "spec.color"',
  );
});

// k1s reports spec.infrastructure's rule before spec.listeners', against schema order (kube's
// order of siblings is random: pkg/apiserver/schema/cel/validation.go validateMap ranges over
// a Go map); the test after this one asserts the same errors in any order.
Deno.test({
  name: "KNOWN GAP: Gateway: CEL errors of sibling properties in schema order",
  ignore: true,
  fn: async () => {
    const { rt, kind } = await serve("gateway.yaml", "gateways");
    await using _ = rt;
    await rejectsWith(
      rt.client.create(kind, {
        metadata: { name: "bad" },
        spec: {
          gatewayClassName: "eg",
          listeners: [
            { name: "https", port: 443, protocol: "HTTPS" },
            { name: "http", port: 443, protocol: "HTTP", tls: {} },
          ],
          infrastructure: { labels: { "gateway.example.io/owner": "me" } },
        },
      }),
      'Gateway.gateway.example.io "bad" is invalid: [' +
        "spec.listeners: Invalid value: listener ports must be unique, " +
        "spec.listeners[0].tls: Required value: tls is required for HTTPS, " +
        "spec.listeners[1].tls: Forbidden: tls is only for HTTPS, " +
        "spec.infrastructure.labels: Invalid value: label keys under gateway.example.io/ are reserved: " +
        "gateway.example.io/owner]",
    );
  },
});

Deno.test("Gateway: list rules, reasons and fieldPaths; transition rules do not run on create", async () => {
  const { rt, kind } = await serve("gateway.yaml", "gateways");
  await using _ = rt;
  await assert.rejects(
    rt.client.create(kind, {
      metadata: { name: "bad" },
      spec: {
        gatewayClassName: "eg",
        listeners: [
          { name: "https", port: 443, protocol: "HTTPS" },
          { name: "http", port: 443, protocol: "HTTP", tls: {} },
        ],
        infrastructure: { labels: { "gateway.example.io/owner": "me" } },
      },
    }),
    (err) => {
      const m = messageOf(err);
      const prefix = 'Gateway.gateway.example.io "bad" is invalid: [';
      assert.ok(m.startsWith(prefix) && m.endsWith("]"), m);
      // Siblings come in any order in kube; within spec.listeners, the list's rule precedes its items'.
      const errs = m.slice(prefix.length, -1).split(/, (?=spec)/);
      assert.deepEqual(errs.toSorted(), [
        "spec.infrastructure.labels: Invalid value: label keys under gateway.example.io/ are reserved: " +
        "gateway.example.io/owner",
        "spec.listeners: Invalid value: listener ports must be unique",
        "spec.listeners[0].tls: Required value: tls is required for HTTPS",
        "spec.listeners[1].tls: Forbidden: tls is only for HTTPS",
      ]);
      const listeners = errs.filter((e) => e.startsWith("spec.listeners"));
      assert.deepEqual(listeners, errs.filter((e) => e.startsWith("spec.listeners")).toSorted());
      return true;
    },
  );
});

Deno.test("Gateway: transition rules on update (self == oldSelf, list-map items, optionalOldSelf)", async () => {
  const { rt, kind } = await serve("gateway.yaml", "gateways");
  await using _ = rt;
  const made = await rt.client.create(kind, GATEWAY) as Obj;
  await rejectsWith(
    rt.client.update(kind, {
      ...made,
      spec: {
        gatewayClassName: "other",
        listeners: [
          { name: "http", port: 8080, protocol: "HTTP" },
          made.spec.listeners[1],
        ],
      },
    }),
    'Gateway.gateway.example.io "edge" is invalid: [' +
      "spec: Invalid value: infrastructure cannot be removed once set, " +
      'spec.gatewayClassName: Invalid value: "other": gatewayClassName is immutable, ' +
      "spec.listeners[0].port: Invalid value: the port of a listener is immutable]",
  );
  // A new listener has no old value: its transition rule does not run.
  const up = await rt.client.update(kind, {
    ...made,
    spec: {
      ...made.spec,
      listeners: [
        { ...made.spec.listeners[0], hostname: "edge.example.com" },
        made.spec.listeners[1],
        { name: "tcp", port: 9000, protocol: "TCP" },
      ],
    },
  }) as Obj;
  assert.equal(up.spec.listeners.length, 3);
  assert.equal(up.metadata.generation, 2);
});

// ---------------------------------------------------------------------------------------------
// Cluster (CloudNativePG-like)

Deno.test("Cluster: defaults at several levels, in list items and in additionalProperties", async () => {
  const { rt, kind } = await serve("pgcluster.yaml", "clusters");
  await using _ = rt;
  const warnings: string[] = [];
  const made = await rt.client.create(kind, {
    metadata: { name: "main" },
    spec: {
      instances: 3,
      resources: { requests: { cpu: "500m", memory: "1Gi", storage: 10 } },
      managed: { roles: [{ name: "app" }, { name: "old", ensure: "absent", login: false }] },
      databases: { app: { owner: "app" } },
      postgresql: {},
      unknownThing: 1,
    },
  }, { onWarning: (w) => warnings.push(w) }) as Obj;
  assert.deepEqual(warnings, ['unknown field "spec.unknownThing"']);
  assert.deepEqual(made.spec, {
    instances: 3,
    imageName: "ghcr.io/example/postgres:16",
    storage: { size: "1Gi" },
    resources: { requests: { cpu: "500m", memory: "1Gi", storage: 10 } },
    managed: {
      roles: [
        { name: "app", ensure: "present", login: true, connectionLimit: -1 },
        { name: "old", ensure: "absent", login: false, connectionLimit: -1 },
      ],
    },
    databases: { app: { owner: "app", encoding: "UTF8" } },
    postgresql: { parameters: { max_connections: "100" } },
  });
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "strict" },
      spec: { unknownThing: 1 },
    }, { fieldValidation: "Strict" }),
    'Cluster in version "v1" cannot be handled as a Cluster: strict decoding error: ' +
      'unknown field "spec.unknownThing"',
  );
});

Deno.test("Cluster: bounds, quantity patterns (also through additionalProperties), enums in items", async () => {
  const { rt, kind } = await serve("pgcluster.yaml", "clusters");
  await using _ = rt;
  await rejectsWith(
    rt.client.create(kind, {
      metadata: { name: "bad" },
      spec: {
        instances: 12,
        storage: { size: "lots" },
        resources: { requests: { memory: "1 GB" } },
        managed: { roles: [{ name: "a", ensure: "maybe" }] },
      },
    }),
    'Cluster.postgresql.example.io "bad" is invalid: [' +
      "spec.instances: Invalid value: 12: spec.instances in body should be less than or equal to 9, " +
      `spec.storage.size: Invalid value: "lots": spec.storage.size in body should match '${QUANTITY}', ` +
      `spec.resources.requests.memory: Invalid value: "1 GB": spec.resources.requests.memory in body should match '${QUANTITY}', ` +
      'spec.managed.roles[0].ensure: Unsupported value: "maybe": supported values: "present", "absent"]',
  );
});

Deno.test("Cluster: the scale subresource reads and writes spec.instances under the schema", async () => {
  const { rt, kind } = await serve("pgcluster.yaml", "clusters");
  await using _ = rt;
  const made = await rt.client.create(kind, { metadata: { name: "main" }, spec: { instances: 3 } });
  await rt.client.status.update(kind, {
    ...made,
    status: { instances: 3, selector: "cnpg.io/cluster=main" },
  });
  const scale = await rt.registry.getScale(kind, "main");
  assert.deepEqual([scale.spec, scale.status], [{ replicas: 3 }, {
    replicas: 3,
    selector: "cnpg.io/cluster=main",
  }]);
  await rt.registry.patchScale(kind, "main", { spec: { replicas: 5 } });
  assert.equal((await rt.client.get(kind, "main") as Obj).spec.instances, 5);
  await rejectsWith(
    rt.registry.patchScale(kind, "main", { spec: { replicas: 12 } }),
    'Cluster.postgresql.example.io "main" is invalid: ' +
      "spec.instances: Invalid value: 12: spec.instances in body should be less than or equal to 9",
  );
});

// The status validator's root is status (pkg/apiserver/customresource_handler.go builds
// statusValidator from the status schema alone, and pkg/registry/customresource/validator.go
// ValidateStatusUpdate prefixes field.NewPath("status")); then ValidateScaleStatus reads the
// replicas (validator.go: unstructured.NestedInt64 on .status.instances).
Deno.test({
  name: "Cluster: a status update is validated against the status schema and the scale paths",
  fn: async () => {
    const { rt, kind } = await serve("pgcluster.yaml", "clusters");
    await using _ = rt;
    const made = await rt.client.create(kind, { metadata: { name: "main" }, spec: {} });
    const st = await rt.client.status.update(kind, { ...made, status: { instances: 3 } }) as Obj;
    await rejectsWith(
      rt.client.status.update(kind, { ...st, status: { instances: "three" } }),
      // validator.go ValidateStatusUpdate: the status schema validates `status` as its root, so
      // kube-openapi names the property "instances" under the path "status"; then
      // ValidateScaleStatus reads .status.instances with unstructured.NestedInt64.
      'Cluster.postgresql.example.io "main" is invalid: [' +
        'status.instances: Invalid value: "string": instances in body must be of type integer: "string", ' +
        ".status.instances: Invalid value: 0: .status.instances accessor error: three is of the type " +
        "string, expected int64]",
    );
  },
});

// ---------------------------------------------------------------------------------------------
// A CRD kube refuses (ValidateCustomResourceDefinition)

// v1/conversion.go: when every version has the same schema (here: one version), the internal
// CRD carries it as spec.validation, and validation.go reports it under that path.
const SCHEMA = "spec.validation.openAPIV3Schema";
const COST_HINT =
  "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";
const LIST_MAP_KEY =
  `${SCHEMA}.properties[spec].properties[ports].items.properties[name].default: ` +
  "Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property";
const COSTLY = `${SCHEMA}.properties[spec].properties[tags].x-kubernetes-validations[0].rule`;
const COST_ERRORS = [
  `${COSTLY}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${COST_HINT}`,
  `${COSTLY}: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema`,
  `${SCHEMA}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema ` +
  `exceeds budget by factor of more than 100x ${COST_HINT}`,
];

function refusal(errors: string[]): string {
  return 'CustomResourceDefinition.apiextensions.k8s.io "brokers.messaging.example.io" is invalid: ' +
    (errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`);
}

function specSchema(c: CustomResourceDefinitionInput): any {
  return (c.spec.versions[0].schema!.openAPIV3Schema as any).properties.spec;
}

Deno.test("refused CRD: not structural — the CEL rules are not even compiled", async () => {
  await using rt = await createRuntime();
  // validation.go: structural errors leave celContext nil; the list-map key check still runs.
  await rejectsWith(
    rt.client.create(CustomResourceDefinition, await crd("refused.yaml")),
    refusal([
      `${SCHEMA}.properties[spec].properties[params].type: Required value: must not be empty for specified object fields`,
      LIST_MAP_KEY,
    ]),
  );
  assert.equal(rt.scheme.resolve("brokers"), undefined);
});

// kube skips only the rules of nodes whose subtree has a schema error (pkg/apis/apiextensions/validation/validation.go,
// ValidateCustomResourceDefinitionOpenAPISchema: `if len(allErrs.SchemaErrors) == 0 &&
// celContext != nil`), so the costly rule on tags is still reported, with the total cost.
Deno.test({
  name: "refused CRD: a schema error below a rule skips its compilation, not its siblings'",
  fn: async () => {
    await using rt = await createRuntime();
    const c = await crd("refused.yaml");
    specSchema(c).properties.params.type = "object";
    // validation.go: CEL of a node is compiled only when it and its subtree have no schema
    // error; SchemaErrors are listed before CELErrors, the total cost errors last.
    await rejectsWith(
      rt.client.create(CustomResourceDefinition, c),
      refusal([LIST_MAP_KEY, ...COST_ERRORS]),
    );
  },
});

// kube recurses into properties before it compiles a node's own rules and appends the children's
// CELErrors first
// (validation.go, ValidateCustomResourceDefinitionOpenAPISchema: allErrs.AppendErrors(...) for
// each property, then `compResults, err := cel.Compile(...)` for the node).
Deno.test({
  name: "refused CRD: CEL errors of properties before the rules of their parent",
  fn: async () => {
    await using rt = await createRuntime();
    const c = await crd("refused.yaml");
    specSchema(c).properties.params.type = "object";
    specSchema(c).properties.ports.items.required = ["name"];
    // validation.go: children before the node's own rules; the bad value of a compile error is the
    // internal ValidationRule (no json tags), marshalled as JSON; cel-go's error display follows.
    await rejectsWith(
      rt.client.create(CustomResourceDefinition, c),
      refusal([
        COST_ERRORS[0],
        `${SCHEMA}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: ` +
        '{"Rule":"self.nope == 1","Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}: ' +
        "compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^",
        COST_ERRORS[1],
        COST_ERRORS[2],
      ]),
    );
  },
});

Deno.test("refused CRD: fixed, bounded, it is accepted and served", async () => {
  await using rt = await createRuntime();
  const c = await crd("refused.yaml");
  specSchema(c).properties.params.type = "object";
  specSchema(c).properties.ports.items.required = ["name"];
  specSchema(c).properties.tags.maxItems = 10;
  specSchema(c).properties.tags.items.maxLength = 64;
  specSchema(c)["x-kubernetes-validations"] = [{ rule: "self.ports.all(p, p.port > 0)" }];
  await rt.client.create(CustomResourceDefinition, c);
  assert.ok(rt.scheme.resolve("brokers"));
});
