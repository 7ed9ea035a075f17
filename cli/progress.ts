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
