/**
 * The operator's kind: `Website` (`site`, `ws`) in `sites.example.k1s.dev/v1`.
 *
 * A Website asks for a site served at `spec.domain`: the operator keeps its
 * content in a ConfigMap, a (fake) certificate in a Secret when `spec.tls`
 * is set, and a DNS record outside the API (a file), and reports progress in
 * `status.conditions`.
 *
 * @module
 */
import { z } from "zod";
import { type Condition, type CustomKind, defineKind } from "@k1s/k1s";

/** The API group of the operator's kinds. */
export const GROUP = "sites.example.k1s.dev";

/** A `metav1.Condition`, as `status.conditions` holds it. */
const condition: z.ZodType<Condition> = z.object({
  type: z.string().min(1).describe("CamelCase type, e.g. Ready."),
  status: z.enum(["True", "False", "Unknown"]).describe("Whether the condition holds."),
  observedGeneration: z.number().int().min(0).optional().describe(
    "The metadata.generation the condition was computed from.",
  ),
  lastTransitionTime: z.string().describe("When status last changed (RFC 3339)."),
  reason: z.string().describe("CamelCase reason for the last transition."),
  message: z.string().describe("Human-readable details."),
});

const websiteSpec = z.object({
  // Only the shape is checked here: whether the domain can be served is the
  // controller's call (it answers Ready=False InvalidDomain).
  domain: z.string().min(1).max(253).describe("The DNS name the site is served at."),
  replicas: z.number().int().min(0).max(100).default(1).describe("How many servers to run."),
  content: z.string().default("").describe("The page served at /."),
  tls: z.boolean().default(false).describe(
    "Serve over HTTPS with a certificate the operator keeps.",
  ),
});

const websiteStatus = z.object({
  conditions: z.array(condition).optional().describe("Ready and DNSRecorded."),
  observedGeneration: z.number().int().optional().describe(
    "The metadata.generation last reconciled.",
  ),
  url: z.string().optional().describe("Where the site is served."),
});

/** Website: a site served at a domain, with content, replicas and optional TLS. */
export const Website: CustomKind<typeof websiteSpec, typeof websiteStatus> = defineKind({
  group: GROUP,
  version: "v1",
  kind: "Website",
  shortNames: ["site", "ws"],
  categories: ["all", "sites"],
  spec: websiteSpec,
  status: websiteStatus,
  printerColumns: [
    { name: "Domain", type: "string", jsonPath: ".spec.domain" },
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "TLS", type: "boolean", jsonPath: ".spec.tls" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "URL", type: "string", jsonPath: ".status.url" },
    {
      name: "Reason",
      type: "string",
      jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      priority: 1,
    },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
});
