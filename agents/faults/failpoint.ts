import fs from "node:fs";

/**
 * Named points in the life of an approved effect where crash tests stop the process dead, to
 * prove that a restart neither repeats nor loses the effect.
 * - `decision.stored`: a reviewer's decision is committed, the run not yet resumed;
 * - `effect.before`: the run has resumed and is about to run an effect;
 * - `effect.after`: the effect and its idempotency key are committed, the graph's checkpoint not yet.
 */
export const FAILPOINTS = ["decision.stored", "effect.before", "effect.after"] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

/** Called at each failpoint; does nothing unless a test armed one. */
export type Failpoint = (name: FailpointName) => void;

export const noFailpoint: Failpoint = () => {};

/**
 * A failpoint that kills this process with SIGKILL (no cleanup, no flush: a real crash) the first
 * time it reaches `armed`, after saying so on stderr so that the test knows where it died.
 */
export function killAt(armed: FailpointName): Failpoint {
  return (name) => {
    if (name !== armed) return;
    fs.writeSync(2, `guild: failpoint ${name} reached, killing the process\n`);
    process.kill(process.pid, "SIGKILL");
  };
}
