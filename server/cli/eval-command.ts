import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import { createEmbedder, parseModelProfile } from "../../agents/models/index.ts";
import { BUILTIN_PACKS_DIR, loadPacks } from "../../agents/packs/index.ts";
import type { GuildConfig } from "../config.ts";
import { jsonReport, markdownReport, readEvalSet, runEval, shortfalls, textReport, type Thresholds } from "../eval/index.ts";
import { EXIT, type CommandIO } from "./io.ts";

/** A share (or margin) given on the command line, refused with the flag's name when it is not one. */
function share(flag: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > 1) {
    throw new GuildError("invalid_input", `--${flag}: '${text}' is not a number from ${min} to 1`, { details: { field: flag } });
  }
  return value;
}

function count(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw new GuildError("invalid_input", `--${flag}: '${text}' is not a whole number`, { details: { field: flag } });
  return Number(text);
}

/** A one-line progress bar, redrawn in place; only on a terminal. */
function progressBar(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  return {
    update({ done, total, variant, id }: { done: number; total: number; variant: string; id: string }) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${variant} ${id}`.padEnd(70));
    },
    done: () => stream.write(`${"\r".padEnd(71)}\r`),
  };
}

/** `guild eval`: answer quality of a pack's team (and of a generalist), with thresholds for CI. */
export async function evalCommand(args: readonly string[], config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    allowPositionals: false,
    options: {
      pack: { type: "string" },
      set: { type: "string" },
      baseline: { type: "string" },
      model: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      "min-facts": { type: "string" },
      "min-recall": { type: "string" },
      "min-declined": { type: "string" },
      "min-margin": { type: "string" },
      "max-wrong-effects": { type: "string" },
    },
  });
  if (values.baseline !== undefined && values.baseline !== "generalist") {
    throw new GuildError("invalid_input", `--baseline: '${values.baseline}' is not a baseline; the one there is: generalist`, {
      details: { field: "baseline" },
    });
  }
  if (values.model !== undefined) {
    try {
      parseModelProfile(values.model);
    } catch (error) {
      throw new GuildError("invalid_input", `--model: ${(error as Error).message}`, { details: { field: "model" } });
    }
    if (values.model.startsWith("openai:") && !config.openaiApiKey && !config.openaiBaseUrl) {
      throw new GuildError(
        "invalid_input",
        `--model: ${values.model} needs OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL (for another OpenAI-compatible server)`,
        { details: { field: "model" } },
      );
    }
  }
  const thresholds: Thresholds = {
    minFacts: share("min-facts", values["min-facts"]),
    minRecall: share("min-recall", values["min-recall"]),
    minDeclined: share("min-declined", values["min-declined"]),
    minMargin: share("min-margin", values["min-margin"], -1),
    maxWrongEffects: count("max-wrong-effects", values["max-wrong-effects"]),
  };

  const packs = await loadPacks([BUILTIN_PACKS_DIR, ...config.packDirs]);
  const pack = values.pack ? packs.find((p) => p.id === values.pack) : packs[0];
  if (!pack)
    throw new GuildError("invalid_input", `--pack: unknown pack '${values.pack}'; known packs: ${packs.map((p) => p.id).join(", ")}`, {
      details: { field: "pack" },
    });
  const setFile = path.resolve(values.set ?? path.join(pack.dir, "eval", "dev.jsonl"));
  const items = readEvalSet(setFile);
  const setName = path.relative(process.cwd(), setFile) || setFile;

  const bar = progressBar(io.stderr);
  const result = await runEval({
    pack,
    items,
    models: config.models,
    model: values.model,
    baseline: values.baseline === "generalist" ? "generalist" : undefined,
    embedder: config.embeddings ? createEmbedder(config.embeddings, config.models) : undefined,
    logger: log,
    onProgress: (p) => bar.update(p),
  });
  bar.done();

  const json = jsonReport(result, setName);
  if (values.json) io.stdout.write(`${JSON.stringify(json)}\n`);
  else io.stdout.write(`${textReport(result, setName)}\n`);
  if (values.out) {
    fs.mkdirSync(values.out, { recursive: true });
    fs.writeFileSync(path.join(values.out, "eval.json"), `${JSON.stringify(json, null, 2)}\n`);
    fs.writeFileSync(path.join(values.out, "eval.md"), markdownReport(result, setName));
  }
  const failures = shortfalls(result, thresholds);
  for (const failure of failures) io.stderr.write(`guild eval: ${failure}\n`);
  return failures.length > 0 ? EXIT.failed : EXIT.completed;
}
