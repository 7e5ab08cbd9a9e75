import type { Backend } from "../agents/backend/index.ts";
import type { Toolbox } from "../agents/mcp/index.ts";
import type { GuildModel } from "../agents/models/index.ts";
import type { Pack, Specialist } from "../agents/packs/index.ts";
import { GuildError } from "../agents/errors/index.ts";

/** What a pack's graph needs besides its checkpointer and store. */
export interface GraphDeps {
  pack: Pack;
  backend: Backend;
  /** Every tool of the pack, SQL or MCP: where a call is looked up and dispatched. */
  tools: Toolbox;
  /** The supervisor's model (planning, answers). */
  supervisor: GuildModel;
  /** Each specialist's model. */
  modelFor(specialistId: string): GuildModel;
}

export function specialistOf(deps: GraphDeps, id: string): Specialist {
  const specialist = deps.pack.specialists.find((s) => s.id === id);
  if (!specialist) throw new GuildError("not_found", `no specialist '${id}' in pack ${deps.pack.id}`);
  return specialist;
}
