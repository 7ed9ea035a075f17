// The k1s CLI the CLI tests run: from source, or — when K1S_CLI_BUNDLE names a file made by
// `deno bundle cli/k1s.ts` — from that single bundled file (tests/cli_bundle_test.ts does this).
import type { Cli } from "./kit.ts";

const bundle = Deno.env.get("K1S_CLI_BUNDLE");

/** The CLI under test. */
export const k1s: Cli = bundle
  ? (await import(new URL(bundle, `file://${Deno.cwd()}/`).href)).k1s
  : (await import("./k1s.ts")).k1s;
