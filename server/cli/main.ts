import { parseArgs } from "node:util";
import { pino } from "pino";
import { isGuildError } from "../../agents/errors/index.ts";
import { loadConfig } from "../config.ts";
import { EXIT, type CommandIO } from "./io.ts";

const USAGE = `Usage:
  guild run "<task>" [--pack ID] [--yes] [--json] [--plan-approval]
      Run one task in-process: progress on the terminal, approvals at the prompt.
      --yes            approve every approval
      --json           print the run's events only, one JSON object per line
      --plan-approval  ask for approval of the plan before any step runs
  guild runs [--status S] [--limit N]
  guild show <runId>
  guild approvals [--run ID] [--status S]
  guild decide <approvalId> approve|reject|edit|respond|redirect
               [--args JSON] [--message M] [--specialist ID]
  guild follow <runId>
      Work with runs and approvals after the fact, e.g. answer a run left paused: on the local data
      directory (this process executes what a decision resumes), or on a running server with
      --server URL [--key K] (or GUILD_API_KEY). Each takes --json. decide waits until the run
      pauses again or ends; edit merges --args over the proposed arguments.
  guild serve
      Serve the REST API, Socket.IO and the web client.
  guild worker
      Execute runs without serving HTTP, beside servers on the same database.
  guild migrate
      Bring the database's schema up to date and exit.
  guild prune [--older-than 30d] [--audit-older-than 365d]
      Delete the events and checkpoints of runs finished longer ago, and webhook deliveries
      settled that were made before then (GUILD_RETENTION by default).
  guild eval [--pack ID] [--set FILE.jsonl] [--baseline generalist] [--model PROFILE]
             [--json] [--out DIR] [--min-facts 0.8] [--min-recall R] [--min-declined D]
             [--min-margin M] [--max-wrong-effects N]
      Run each question of an eval set (default: the pack's eval/dev.jsonl) as a run of its own in a
      throwaway data directory, approving nothing, and report answer quality per kind of question.
      --baseline generalist  also run one generalist holding all the pack's documents and tools
      --model PROFILE        the model of every role, e.g. openai:qwen2.5:3b (default: as configured)
      --json                 print {"summary", "baseline", "items"} as one JSON object
      --out DIR              write eval.json and eval.md to DIR
      --min-*, --max-*       exit 1 when the team falls short (shares from 0 to 1)
  guild help

Configuration comes from the environment and .env: GUILD_DATA_DIR, GUILD_DATABASE_URL, GUILD_MODEL,
OPENAI_API_KEY, OPENAI_BASE_URL, GUILD_PACKS_DIRS, GUILD_MAX_ACTIVE_RUNS, GUILD_RETENTION, PORT, HOST,
GUILD_API_KEYS, LOG_LEVEL (see README).`;

/** Logs for people on a terminal (one coloured line each, by pino-pretty), JSON lines for machines. */
async function logStream(stderr: NodeJS.WriteStream): Promise<pino.DestinationStream> {
  if (!stderr.isTTY || process.env.GUILD_LOG_FORMAT === "json") return pino.destination(2);
  const { default: pretty } = await import("pino-pretty");
  return pretty({ destination: 2, sync: true, colorize: stderr.hasColors(), translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

/**
 * The `guild` command line; resolves with the process exit code. Each command's module is loaded
 * when it runs, so that `guild help` loads no model, graph or database code.
 */
export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.stdout.write(`${USAGE}\n`);
    return command ? 0 : EXIT.usage;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    io.stderr.write(`guild: configuration error: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  // Logs go to stderr so that stdout stays the answer (or NDJSON with --json). `guild run` and
  // `guild eval` report failures themselves, so they log nothing unless LOG_LEVEL asks.
  const log = pino({ level: config.logLevel ?? (command === "serve" ? "info" : "silent") }, await logStream(io.stderr));

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
        const { runCommand } = await import("./run-command.ts");
        return await runCommand(
          {
            task,
            ...(values.pack ? { pack: values.pack } : {}),
            yes: values.yes,
            json: values.json,
            ...(values["plan-approval"] !== undefined ? { planApproval: values["plan-approval"] } : {}),
          },
          config,
          log,
          io,
        );
      }
      case "eval": {
        const { evalCommand } = await import("./eval-command.ts");
        return await evalCommand(rest, config, log, io);
      }
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
      case "runs":
      case "show":
      case "approvals":
      case "decide":
      case "follow": {
        const { deskCommand } = await import("./desk-commands.ts");
        return await deskCommand(command, rest, config, log, io);
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
