/**
 * An exclusive lock file between processes that write the same files (two
 * servers starting on one store, two writers of one kubeconfig).
 *
 * @module
 */

/** What {@linkcode withFileLock} says when it cannot take the lock. */
export interface FileLockOptions {
  /** How long to wait for another holder, in ms. */
  waitMs: number;
  /** The error when the lock file cannot be created at all. */
  cannotCreate: (reason: string) => string;
  /** The error when another holder keeps it past `waitMs`. */
  held: string;
}

/**
 * Runs `fn` holding `lock` (created exclusively), waiting up to `waitMs` for
 * another holder; a lock file older than 30 s was left by a process that died
 * holding it, and is taken over.
 */
export async function withFileLock<T>(
  lock: string,
  options: FileLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      (await Deno.open(lock, { createNew: true, write: true })).close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        throw new Error(options.cannotCreate((e as Error).message), { cause: e });
      }
    }
    const mtime = (await Deno.stat(lock).catch(() => undefined))?.mtime?.getTime();
    if (mtime !== undefined && Date.now() - mtime > 30_000) {
      await Deno.remove(lock).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) throw new Error(options.held);
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}
