// TEMPORARY (not committed)
import type { Scheme } from "../scheme/scheme.ts";
import { notFoundPath } from "./http.ts";
export function openAPIResponse(_s: Scheme, _r: Request, _u: URL): Promise<Response> {
  return Promise.reject(notFoundPath());
}
