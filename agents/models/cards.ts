import type { Specialist, ToolDefinition } from "../packs/index.ts";
import type { SpecialistCard, ToolCard } from "./types.ts";

/** What a model is told about a tool, SQL or MCP alike. */
export function toolCard(tool: ToolDefinition): ToolCard {
  return { name: tool.name, description: tool.description, kind: tool.kind, args: tool.args, returns: tool.returns };
}

/** What a model is told about a specialist and its tools (its SQL tools; the step adds its MCP tools once listed). */
export function specialistCard(specialist: Specialist): SpecialistCard {
  return {
    id: specialist.id,
    name: specialist.name,
    description: specialist.description,
    tools: specialist.tools.map(toolCard),
  };
}
