import type { Specialist } from "../packs/index.ts";
import type { SpecialistCard } from "./types.ts";

/** What a model is told about a specialist and its tools. */
export function specialistCard(specialist: Specialist): SpecialistCard {
  return {
    id: specialist.id,
    name: specialist.name,
    description: specialist.description,
    tools: specialist.tools.map((t) => ({ name: t.name, description: t.description, kind: t.kind, args: t.args, returns: t.returns })),
  };
}
