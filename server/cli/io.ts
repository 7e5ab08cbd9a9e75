/** Where a command reads and writes: the process's own streams, or a test's. */
export interface CommandIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Exit codes of `guild`: the run completed; it failed (or the input ended); the plan was rejected; bad usage or configuration. */
export const EXIT = { completed: 0, failed: 1, rejected: 2, usage: 64 } as const;
