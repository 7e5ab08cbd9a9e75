import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { Backend } from "../../agents/backend/index.ts";
import { GuildError } from "../../agents/errors/index.ts";
import { noFailpoint, type Failpoint } from "../../agents/faults/index.ts";
import { DEFAULT_MCP_TIMEOUT_MS, McpServers, Toolbox } from "../../agents/mcp/index.ts";
import type { GuildModel, ModelInfo, ModelRole } from "../../agents/models/index.ts";
import type { Pack } from "../../agents/packs/index.ts";
import { buildGuildGraph, type GuildGraph } from "../../graphs/index.ts";
import type { Storage } from "./storage/index.ts";
import type { Logger } from "pino";

/** A pack ready to run: its compiled graph, its back-end and the models it uses. */
export interface PackEngine {
  pack: Pack;
  graph: GuildGraph;
  backend: Backend;
  /** The pack's tools, SQL and MCP, and its MCP servers. */
  tools: Toolbox;
  /** The supervisor's model, which names the run's model. */
  model: ModelInfo;
  /** Each specialist's model. */
  specialistModels: Readonly<Record<string, ModelInfo>>;
  /** Long-term memory (lessons, past runs), shared by every pack's graph. */
  memory: BaseStore;
}

/** The engine of a loaded pack; a run of a pack that is not loaded is a bug. */
export function engineOf(engines: ReadonlyMap<string, PackEngine>, packId: string): PackEngine {
  const engine = engines.get(packId);
  if (!engine) throw new GuildError("internal", `run of pack '${packId}', which is not loaded`);
  return engine;
}

/** Makes the model for a profile (`provider:name`, or undefined for the default) and the role it plays. */
export type ModelFactory = (profile: string | undefined, role?: ModelRole) => GuildModel;

/** What MCP servers get from the configuration: the environment `${VAR}`s come from, the call deadline, a logger. */
export interface McpSettings {
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  log?: Logger;
}

/** Builds one engine per pack over the storage (checkpoints, memory) and the pack's back-end. */
export async function buildEngines(
  packs: readonly Pack[],
  storage: Storage,
  makeModel: ModelFactory,
  failpoint: Failpoint = noFailpoint,
  mcp: McpSettings = {},
): Promise<Map<string, PackEngine>> {
  const { checkpointer, memory: store } = storage;
  const engines = new Map<string, PackEngine>();
  for (const pack of packs) {
    const backend = await storage.openBackend(pack, failpoint);
    const supervisor = makeModel(pack.supervisorModel, { role: "supervisor" });
    const models = new Map<string, GuildModel>(pack.specialists.map((s) => [s.id, makeModel(s.model, { role: "specialist", id: s.id })]));
    // Nothing starts here: each MCP server starts when a run first needs it.
    const servers = new McpServers(pack.mcpServers, {
      cwd: pack.dir,
      env: mcp.env ?? {},
      timeoutMs: mcp.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS,
      log: mcp.log?.child({ pack: pack.id }),
    });
    const tools = new Toolbox(pack, backend, servers, failpoint);
    const graph = buildGuildGraph(
      { pack, backend, tools, supervisor, modelFor: (id) => models.get(id) ?? supervisor },
      { checkpointer, store },
    );
    const specialistModels = Object.fromEntries([...models].map(([id, model]) => [id, model.info]));
    engines.set(pack.id, { pack, graph, backend, tools, model: supervisor.info, specialistModels, memory: store });
  }
  return engines;
}
