/**
 * Discovery and OpenAPI v3 over HTTP: the answers of `discovery.ts` and
 * `openapi.ts` for the scheme's kinds and the self-subject reviews, as
 * fetch Responses.
 *
 * @module
 */
import type { Scheme } from "../scheme/scheme.ts";
import { discoveryAnswer, type HttpAnswer } from "./discovery.ts";
import { notFoundPath } from "./http.ts";
import { openAPIV3Answer } from "./openapi.ts";
import { SELF_SUBJECT_REVIEW_RESOURCES } from "./review_resources.ts";

function response(a: HttpAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}

/** The discovery answer for `url`, or undefined when it is not a discovery path. */
export function discoveryResponse(
  scheme: Scheme,
  req: Request,
  url: URL,
  address?: string,
): Response | undefined {
  const a = discoveryAnswer(scheme, {
    path: url.pathname,
    accept: req.headers.get("accept"),
    address,
    extra: SELF_SUBJECT_REVIEW_RESOURCES,
  });
  return a && response(a);
}

/** The OpenAPI answer for an `/openapi/...` path: v3 documents, 404 for v2 and the rest. */
export async function openAPIResponse(scheme: Scheme, req: Request, url: URL): Promise<Response> {
  const a = await openAPIV3Answer(scheme, {
    path: url.pathname,
    hash: url.searchParams.get("hash"),
    accept: req.headers.get("accept"),
    ifNoneMatch: req.headers.get("if-none-match"),
    extra: SELF_SUBJECT_REVIEW_RESOURCES,
  });
  if (!a) throw notFoundPath();
  return response(a);
}
