/**
 * The self-subject reviews kubectl's `auth can-i` (SelfSubjectAccessReview,
 * SelfSubjectRulesReview) and `auth whoami` (SelfSubjectReview) create.
 * Until access control exists, the one user of a k1s server is an
 * administrator: everything is allowed, as for kube's `system:masters`.
 *
 * @module
 */
import { ApiError, field } from "../apimachinery/errors.ts";
import { errorResponse, jsonResponse, MAX_REQUEST_BYTES, mediaTypeOf, readBody } from "./http.ts";
import type { Warnings } from "./http.ts";
import { BODY_MEDIA, type ResourcePath, unsupportedMedia } from "./rest.ts";

/** The user every request acts as, until authentication knows users. */
export const ADMIN_USER = {
  username: "k1s-admin",
  groups: ["system:masters", "system:authenticated"],
};

const REVIEWS: Record<string, { group: string; kind: string }> = {
  selfsubjectaccessreviews: { group: "authorization.k8s.io", kind: "SelfSubjectAccessReview" },
  selfsubjectrulesreviews: { group: "authorization.k8s.io", kind: "SelfSubjectRulesReview" },
  selfsubjectreviews: { group: "authentication.k8s.io", kind: "SelfSubjectReview" },
};

/** True for a path naming one of the review resources. */
export function isReviewPath(path: ResourcePath): boolean {
  const r = REVIEWS[path.resource];
  return r !== undefined && r.group === path.group && path.version === "v1";
}

/**
 * Answers a review: POST only, a JSON or protobuf body of the right kind,
 * 201 with the review and its status.
 */
export async function serveReview(
  req: Request,
  path: ResourcePath,
  limit: number | undefined,
  warnings: Warnings,
): Promise<Response> {
  try {
    const review = REVIEWS[path.resource];
    if (path.name !== undefined || path.namespace !== undefined) {
      throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {});
    }
    if (req.method !== "POST") {
      throw ApiError.methodNotAllowed(
        `${req.method === "GET" ? "list" : req.method.toLowerCase()} is not supported on ` +
          `resources of kind "${path.resource}"`,
      );
    }
    const body = await readBody(req, limit ?? MAX_REQUEST_BYTES);
    const media = mediaTypeOf(req.headers.get("content-type") ?? "application/json");
    let obj: Record<string, unknown>;
    if (media === "application/vnd.kubernetes.protobuf") {
      const { decodeKubeProtobuf } = await import("./protobuf.ts");
      try {
        obj = decodeKubeProtobuf(body, {
          apiVersion: `${review.group}/v1`,
          kind: review.kind,
        }) as Record<string, unknown>;
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
      }
    } else if (media === "application/json" || media === undefined) {
      try {
        obj = JSON.parse(new TextDecoder().decode(body));
      } catch (err) {
        throw ApiError.badRequest(
          `the object provided is unrecognized (must be of type ${review.kind}): ` +
            `couldn't get version/kind; json parse error: ${(err as Error).message}`,
        );
      }
      if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        throw ApiError.badRequest(
          `the object provided is unrecognized (must be of type ${review.kind})`,
        );
      }
    } else {
      throw unsupportedMedia(BODY_MEDIA);
    }
    const apiVersion = `${review.group}/v1`;
    if (
      (obj.kind !== undefined && obj.kind !== review.kind) ||
      (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion)
    ) {
      throw ApiError.badRequest(
        `the object provided is unrecognized (must be of type ${review.kind}): ` +
          `${obj.kind} in version "${obj.apiVersion}" cannot be handled as a ${review.kind}`,
      );
    }
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {
      kind: review.kind,
      apiVersion,
      metadata: { creationTimestamp: null },
    };
    if (review.kind === "SelfSubjectAccessReview") {
      if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
        throw ApiError.invalid({ group: review.group, kind: review.kind }, "", [
          field.required(
            "spec.resourceAttributes",
            "one of resourceAttributes or nonResourceAttributes must be specified",
          ),
        ]);
      }
      out.spec = spec;
      out.status = { allowed: true, reason: "k1s serves one administrator" };
    } else if (review.kind === "SelfSubjectRulesReview") {
      out.spec = spec;
      out.status = {
        resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
        nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        incomplete: false,
      };
    } else {
      out.status = { userInfo: ADMIN_USER };
    }
    return jsonResponse(out, 201, warnings.headers());
  } catch (err) {
    return errorResponse(err, warnings.headers());
  }
}
