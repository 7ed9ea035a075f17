/**
 * Progress for long operations: a single line rewritten on standard error
 * when it is a terminal, nothing at all when output is piped.
 *
 * @module
 */
import type { CliIO } from "./io.ts";

/** Reports progress of `total` steps. */
export interface Progress {
  /** One more step done. */
  tick(): void;
  /** Clears the line before other output is written; the next tick draws it again. */
  clear(): void;
  /** Clears the line. */
  done(): void;
}

/** Shown only on a terminal and only for at least `threshold` steps (default 20). */
export function progress(io: CliIO, verb: string, total: number, threshold = 20): Progress {
  if (!io.isTerminal || total < threshold) return { tick() {}, clear() {}, done() {} };
  let n = 0;
  let last = 0;
  const draw = () => io.stderr(`\r\x1b[2K${verb} ${n}/${total}`);
  draw();
  return {
    tick() {
      n++;
      const now = io.now();
      if (now - last >= 100 || n === total) {
        last = now;
        draw();
      }
    },
    clear() {
      io.stderr("\r\x1b[2K");
      last = 0;
    },
    done() {
      io.stderr("\r\x1b[2K");
    },
  };
}

/** Progress of waiting for objects, one after another; see {@linkcode waitProgress}. */
export interface WaitProgress {
  /** Now waiting for `label` (e.g. `configmaps/x`). */
  waitingFor(label: string): void;
  /** The current object is done; clears the line so the caller can print. */
  met(): void;
  /** Stops and clears the line. */
  done(): void;
}

/**
 * A line on a terminal saying what is being waited for and for how long
 * (`waiting for configmaps/x: 12s (3/10 done)`), shown once a wait has
 * lasted `delayMs` and redrawn every `intervalMs`; nothing when piped. Its
 * timer never keeps the process alive.
 */
export function waitProgress(
  io: CliIO,
  total: number,
  options: { delayMs?: number; intervalMs?: number } = {},
): WaitProgress {
  if (!io.isTerminal) return { waitingFor() {}, met() {}, done() {} };
  const delay = options.delayMs ?? 1000;
  let label = "";
  let since = io.now();
  let finished = 0;
  let shown = false;
  const timer = setInterval(() => {
    const waited = io.now() - since;
    if (label === "" || waited < delay) return;
    shown = true;
    io.stderr(
      `\r\x1b[2Kwaiting for ${label}: ${Math.floor(waited / 1000)}s` +
        (total > 1 ? ` (${finished}/${total} done)` : ""),
    );
  }, options.intervalMs ?? 500);
  Deno.unrefTimer(timer);
  const clear = () => {
    if (shown) io.stderr("\r\x1b[2K");
    shown = false;
  };
  return {
    waitingFor(l) {
      label = l;
      since = io.now();
    },
    met() {
      finished++;
      label = "";
      clear();
    },
    done() {
      clearInterval(timer);
      clear();
    },
  };
}
