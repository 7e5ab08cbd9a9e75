export { loadPack, loadPacks, checkPackDialect, BUILTIN_PACKS_DIR, MANIFEST_FILE } from "./load.ts";
export {
  PackManifestSchema,
  type PackManifest,
  type ToolSpec,
  type ArgSpec,
  type RiskRule,
  type SpecialistSpec,
  type Condition,
  type ExpiryPolicy,
  type PackPolicy,
  type SeedSpec,
  type McpToolSpec,
  type ContextField,
} from "./manifest.ts";
export type { Pack, PackTool, Specialist, ToolApproval, ToolDefinition } from "./types.ts";
