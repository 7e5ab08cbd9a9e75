import { defineConfig } from "vitest/config";

/**
 * The suites that run a second time with everything on Postgres (GUILD_TEST_ENGINE=postgres): the
 * stores themselves, the human-in-the-loop core, races, crashes, and the server over REST and
 * sockets. Each test gets a fresh database of its own (test/support/storage.ts).
 */
const ON_POSTGRES = [
  "test/integration/run-store.int.test.ts",
  "test/integration/load.int.test.ts",
  "test/integration/transient-faults.int.test.ts",
  "test/integration/scale-out.int.test.ts",
  "test/integration/demo-decisions.int.test.ts",
  "test/integration/approvals-and-input.int.test.ts",
  "test/integration/parallel-approvals.int.test.ts",
  "test/integration/hitl-policies.int.test.ts",
  "test/integration/hitl-answer.int.test.ts",
  "test/integration/lessons.int.test.ts",
  "test/integration/redirect-replan.int.test.ts",
  "test/integration/injection-gates.int.test.ts",
  "test/integration/decision-race.int.test.ts",
  "test/integration/server-races.int.test.ts",
  "test/integration/crash-exactly-once.int.test.ts",
  "test/integration/restart.int.test.ts",
  "test/integration/runtime-follow.int.test.ts",
  "test/integration/server-rest.int.test.ts",
  "test/integration/server-socket.int.test.ts",
  "test/integration/tenants-and-roles.int.test.ts",
  "test/integration/authority-four-eyes.int.test.ts",
  "test/integration/hardening.int.test.ts",
  "test/integration/webhooks.int.test.ts",
  "test/integration/business-rules.int.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a browser or another process shows; a loaded machine takes more than 1 s.
    expect: { poll: { timeout: 10_000 } },
    // Integration tests spawn processes and open databases; two workers fit a 2-core machine.
    maxWorkers: 2,
    // Removes what a test file made under the temp folder when it ends.
    setupFiles: ["test/support/cleanup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          // Unit (*.test.ts), integration (*.int.test.ts) and browser (test/e2e/*.e2e.test.ts) tests.
          include: ["test/**/*.test.ts"],
          // Several processes on one database need a server: Postgres only.
          exclude: ["test/integration/scale-out.int.test.ts"],
          // Builds the web client for the browser tests, or says why they are skipped.
          globalSetup: ["test/e2e/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: { name: "postgres", include: ON_POSTGRES, env: { GUILD_TEST_ENGINE: "postgres" } },
      },
    ],
  },
});
