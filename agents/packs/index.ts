export { loadPack, loadPacks, checkPackDialect, BUILTIN_PACKS_DIR, MANIFEST_FILE } from "./load.ts";
export type {
  ArgSpec,
  Condition,
  McpToolSpec,
} from "./manifest.ts";
export type { Pack, PackTool, Specialist, ToolApproval, ToolDefinition } from "./types.ts";
