import { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";
import { DEFAULT_TENANT, type Principal } from "../contract/types.ts";

/** Held by `GUILD_API_KEYS` keys and the loopback development mode: every role, the packs' too. */
export const EVERY_ROLE = "*";

export const TenantSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be 1 to 63 lower-case letters, digits, '_' or '-'");
export const RoleSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lower-case name like 'reviewer' or 'claims_manager'");

const PrincipalEntrySchema = z.strictObject({
  key: z.string().min(1, "must not be empty").max(512),
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/, "must be 1 to 100 letters, digits, '_', '.', '@' or '-'"),
  name: z.string().trim().min(1).max(200).optional(),
  tenant: TenantSchema.default(DEFAULT_TENANT),
  roles: z.array(RoleSchema).min(1, "must name at least one role"),
});

const AuthFileSchema = z.strictObject({ principals: z.array(PrincipalEntrySchema).min(1, "must list at least one principal") });

/** One principal of the auth file: the key that proves who it is, and who it is. */
export interface PrincipalEntry {
  key: string;
  principal: Principal;
}

const fieldOf = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("") || "(file)";

function invalid(field: string, message: string): GuildError {
  return new GuildError("invalid_config", `GUILD_AUTH_FILE: ${field}: ${message}`, { details: { variable: "GUILD_AUTH_FILE", field } });
}

/**
 * Parses the text of a `GUILD_AUTH_FILE`; a bad file throws `invalid_config` naming the field at
 * fault (`principals[2].roles`), and never echoes a key.
 * @example parseAuthFile('{"principals": [{"key": "k-ana", "id": "ana", "tenant": "acme", "roles": ["reviewer"]}]}')
 */
export function parseAuthFile(text: string): PrincipalEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid("(file)", `not JSON: ${(error as Error).message}`);
  }
  const parsed = AuthFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(fieldOf(issue.path), issue.message);
  }
  const keys = new Set<string>();
  const ids = new Set<string>();
  return parsed.data.principals.map((entry, index) => {
    if (keys.has(entry.key)) throw invalid(`principals[${index}].key`, "the same key is given to another principal");
    if (ids.has(entry.id)) throw invalid(`principals[${index}].id`, `'${entry.id}' is listed twice`);
    keys.add(entry.key);
    ids.add(entry.id);
    return {
      key: entry.key,
      principal: { id: entry.id, name: entry.name ?? entry.id, tenant: entry.tenant, roles: [...new Set(entry.roles)], verified: true },
    };
  });
}

/** The principals of `GUILD_API_KEYS`: each key one principal with every role, in the default tenant. */
export function principalsOfKeys(keys: readonly string[]): PrincipalEntry[] {
  return keys.map((key, index) => ({
    key,
    principal: { id: `key-${index + 1}`, name: `API key ${index + 1}`, tenant: DEFAULT_TENANT, roles: [EVERY_ROLE], verified: true },
  }));
}

/** Whoever reaches the server on loopback when no keys are configured (development mode). */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  id: "local",
  name: "local",
  tenant: DEFAULT_TENANT,
  roles: [EVERY_ROLE],
  verified: false,
}) as Principal;

/** Whether a principal holds a role (`*` holds all of them). */
export function hasRole(principal: Principal, role: string): boolean {
  return principal.roles.includes(role) || principal.roles.includes(EVERY_ROLE);
}

/**
 * Throws `missing_role` (403) unless the principal holds the role.
 * @example requireRole(principal, "reviewer", "decide approvals")
 */
export function requireRole(principal: Principal, role: string, what: string): void {
  if (hasRole(principal, role)) return;
  throw new GuildError(
    "missing_role",
    `${principal.id} may not ${what}: it needs the role '${role}' (it has ${principal.roles.join(", ")})`,
    {
      details: { role, principal: principal.id },
    },
  );
}
