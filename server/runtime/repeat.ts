import type { Logger } from "pino";

/**
 * Runs `task` every `ms` (never when `ms` is 0) without keeping the process alive. A failure is
 * logged, not thrown: a database busy or gone for a moment must not take the process down, and
 * the next tick tries again. Returns the timer, for clearInterval.
 */
export function repeat(ms: number, task: () => void, log: Logger, failure: string): NodeJS.Timeout | undefined {
  if (ms <= 0) return undefined;
  const timer = setInterval(() => {
    try {
      task();
    } catch (error) {
      log.warn({ err: error }, failure);
    }
  }, ms);
  timer.unref();
  return timer;
}
