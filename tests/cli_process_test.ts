// The k1s CLI as a real process: exit codes and streams as a shell sees them.
import { getAndBadInput, storeAndCascade } from "./cli_scenarios.ts";

Deno.test("k1s runs as a process with the store from K1S_STORE", () => storeAndCascade());
Deno.test("k1s get and bad input as a process", () => getAndBadInput());
