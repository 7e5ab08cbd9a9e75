/**
 * What every `guild` command loads before it knows which command it runs: the CLI's entry and
 * its static imports, dynamic ones (each command's own module) left out. None of it may reach
 * LangChain, LangGraph, a database driver or the HTTP stack, so that `guild help` takes a
 * quarter of a second, not most of one (README, "Compiled start-up").
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "cli-entry-stays-light",
      severity: "error",
      from: { path: "^server/cli/main\\.ts$" },
      to: {
        path: "node_modules/(@langchain|langsmith|better-sqlite3|pg|express|socket\\.io|openai|@modelcontextprotocol)/",
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(data|dist|scratch)/", dynamic: true },
    // What runs: type-only imports are erased when compiled.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
