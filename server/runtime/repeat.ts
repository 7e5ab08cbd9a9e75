import type { Logger } from "pino";

/**
 * Runs `task` every `ms` (never when `ms` is 0) without keeping the process alive; a tick starts
 * only once the last one has finished. A failure is logged, not thrown: a database busy or gone
 * for a moment must not take the process down, and the next tick tries again. Returns the timer,
 * for clearInterval.
 */
export function repeat(ms: number, task: () => unknown, log: Logger, failure: string): NodeJS.Timeout | undefined {
  if (ms <= 0) return undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => log.warn({ err: error }, failure))
      .finally(() => (busy = false));
  }, ms);
  timer.unref();
  return timer;
}
