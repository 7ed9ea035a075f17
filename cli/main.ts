/**
 * Entry point of the `k1s` binary: parses, dispatches, owns the exit code.
 *
 * @module
 */
import { processIO } from "./io.ts";
import { k1s } from "./k1s.ts";

Deno.exit(await k1s.run(Deno.args, processIO()));
