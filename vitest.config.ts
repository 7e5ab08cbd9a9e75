import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Unit (*.test.ts), integration (*.int.test.ts) and browser (test/e2e/*.e2e.test.ts) tests.
    include: ["test/**/*.test.ts"],
    // Builds the web client for the browser tests, or says why they are skipped.
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn processes and open SQLite files; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
});
