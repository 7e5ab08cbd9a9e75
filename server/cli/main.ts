import { parseArgs } from "node:util";
import { pino } from "pino";
import { isGuildError } from "../../agents/errors/index.ts";
import { loadConfig } from "../config.ts";
import { EVAL_USAGE, evalCommand } from "./eval-command.ts";
import { EXIT, runCommand, type CommandIO } from "./run-command.ts";

const USAGE = `Usage:
  guild run "<task>" [--pack ID] [--yes] [--json] [--plan-approval]
      Run one task in-process: progress on the terminal, approvals at the prompt.
      --yes            approve every approval
      --json           print the run's events only, one JSON object per line
      --plan-approval  ask for approval of the plan before any step runs
  guild serve
      Serve the REST API, Socket.IO and the web client.
  guild worker
      Execute runs without serving HTTP, beside servers on the same database.
  guild migrate
      Bring the database's schema up to date and exit.
  guild prune [--older-than 30d] [--audit-older-than 365d]
      Delete the events and checkpoints of runs finished longer ago (GUILD_RETENTION by default).
${EVAL_USAGE}
  guild help

Configuration comes from the environment and .env: GUILD_DATA_DIR, GUILD_DATABASE_URL, GUILD_MODEL,
OPENAI_API_KEY, OPENAI_BASE_URL, GUILD_PACKS_DIRS, GUILD_MAX_ACTIVE_RUNS, GUILD_RETENTION, PORT, HOST,
GUILD_API_KEYS, LOG_LEVEL (see README).`;

/** The `guild` command line; resolves with the process exit code. */
export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.stdout.write(`${USAGE}\n`);
    return command ? 0 : EXIT.usage;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    io.stderr.write(`guild: configuration error: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  // Logs go to stderr so that stdout stays the answer (or NDJSON with --json). `guild run` and
  // `guild eval` report failures themselves, so they log nothing unless LOG_LEVEL asks.
  const log = pino({ level: config.logLevel ?? (command === "serve" ? "info" : "silent") }, pino.destination(2));

  try {
    switch (command) {
      case "run": {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            pack: { type: "string" },
            yes: { type: "boolean", default: false },
            json: { type: "boolean", default: false },
            "plan-approval": { type: "boolean" },
          },
        });
        const task = positionals.join(" ").trim();
        if (!task) {
          io.stderr.write(`guild run: the task is empty\n${USAGE}\n`);
          return EXIT.usage;
        }
        return await runCommand(
          { task, ...(values.pack ? { pack: values.pack } : {}), yes: values.yes, json: values.json, ...(values["plan-approval"] !== undefined ? { planApproval: values["plan-approval"] } : {}) },
          config,
          log,
          io,
        );
      }
      case "eval":
        return await evalCommand(rest, config, log, io);
      case "serve": {
        const { serveCommand } = await import("./serve-command.ts");
        return await serveCommand(config, log, io);
      }
      case "worker": {
        const { workerCommand } = await import("./worker-command.ts");
        return await workerCommand(config, log, io);
      }
      case "prune": {
        const { pruneCommand } = await import("./prune-command.ts");
        return await pruneCommand(rest, config, log, io);
      }
      case "migrate": {
        const { migrateCommand } = await import("./migrate-command.ts");
        return await migrateCommand(config, io);
      }
      default:
        io.stderr.write(`guild: unknown command '${command}'\n${USAGE}\n`);
        return EXIT.usage;
    }
  } catch (error) {
    if (isGuildError(error)) {
      io.stderr.write(`guild: ${error.code}: ${error.message}\n`);
      return error.code === "invalid_input" || error.code === "invalid_config" || error.code === "invalid_pack" ? EXIT.usage : EXIT.failed;
    }
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`guild: ${(error as Error).message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
