import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const made = new Set<string>();

/**
 * A fresh, empty folder under the system's temp folder, removed by the returned function or, at
 * the latest, when its test file ends (test/support/cleanup.ts): no test leaves one behind.
 */
export function tempDir(prefix = "guild-test-"): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return {
    dir,
    remove: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      made.delete(dir);
    },
  };
}

/** Removes every folder `tempDir` made that is still there. */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}
