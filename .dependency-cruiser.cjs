/**
 * Layers (DESIGN.md): imports point down only.
 *   client -> server/contract (types only)
 *   server -> graphs -> agents
 * and no cycles anywhere.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "agents-is-the-bottom-layer",
      comment: "agents/ knows nothing of LangGraph orchestration, the runtime or HTTP",
      severity: "error",
      from: { path: "^agents/" },
      to: { path: "^(graphs|server|client)/" },
    },
    {
      name: "agents-no-langgraph",
      severity: "error",
      from: { path: "^agents/" },
      to: { path: "node_modules/@langchain/langgraph" },
    },
    {
      name: "graphs-above-agents-only",
      comment: "graphs/ gets its checkpointer and store passed in: no server, no HTTP, no SQL driver",
      severity: "error",
      from: { path: "^graphs/" },
      to: { path: ["^(server|client)/", "node_modules/(better-sqlite3|express|socket\\.io|pg)"] },
    },
    {
      name: "server-not-client",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^client/" },
    },
    {
      name: "client-only-the-contract",
      comment: "the web client talks REST and Socket.IO and imports only the shared contract types",
      severity: "error",
      from: { path: "^client/" },
      to: { path: "^(agents|graphs|server)/", pathNot: "^server/contract/" },
    },
    {
      name: "client-contract-types-only",
      comment:
        "the contract's index also exports zod schemas, which pull in graphs/: the client bundles none of it, only the contract's plain readings of events (effects.ts), which import types alone",
      severity: "error",
      from: { path: "^client/" },
      to: { path: "^server/contract/", pathNot: "^server/contract/effects\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-upward-into-tests",
      severity: "error",
      comment: "Benchmarks share the tests' vitest-free helpers (clients, guild child processes, Postgres test databases), nothing else.",
      from: { pathNot: "^(test|bench)/" },
      to: { path: "^test/" },
    },
    {
      name: "bench-only-test-support",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: "^test/", pathNot: "^test/support/(clients|cli|postgres)\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "(^|/)(node_modules|data|dist|scratch)/" },
  },
};
