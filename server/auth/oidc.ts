import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { GuildError } from "../../agents/errors/index.ts";
import type { Principal } from "../contract/index.ts";
import type { TokenVerifier } from "./authenticator.ts";

/** How OIDC bearer tokens are checked, and which claims say who the caller is. */
export interface OidcSettings {
  /** `GUILD_OIDC_ISSUER`: the `iss` tokens must carry; its discovery document names the JWKS. */
  issuer: string;
  /** `GUILD_OIDC_AUDIENCE`: the `aud` tokens must carry, when set. */
  audience?: string | undefined;
  /** `GUILD_OIDC_TENANT_CLAIM` (`tenant`), `GUILD_OIDC_ROLES_CLAIM` (`roles`): where the tenant and roles are. */
  tenantClaim: string;
  rolesClaim: string;
  /** `GUILD_OIDC_JWKS_URL`: the keys' address, instead of the issuer's discovery document. */
  jwksUrl?: string | undefined;
}

const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/** A claim at a dotted path (`realm_access.roles`). */
function claim(payload: JWTPayload, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), payload);
}

function unauthorized(message: string): GuildError {
  return new GuildError("unauthorized", `the bearer token is not valid: ${message}`);
}

/** The principal a verified token's claims describe; a token without a tenant, or roles, is refused. */
export function principalOfClaims(payload: JWTPayload, settings: OidcSettings): Principal {
  const tenant = claim(payload, settings.tenantClaim);
  const roles = claim(payload, settings.rolesClaim);
  const list = Array.isArray(roles) ? roles : typeof roles === "string" ? roles.split(/\s+/) : [];
  if (!payload.sub) throw unauthorized("it has no subject (sub)");
  if (typeof tenant !== "string" || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(tenant))
    throw unauthorized(`its claim '${settings.tenantClaim}' does not name a tenant`);
  const name =
    [payload.name, payload.preferred_username, payload.email].find((v): v is string => typeof v === "string" && v.length > 0) ??
    payload.sub;
  return { id: payload.sub, name, tenant, roles: list.filter((r): r is string => typeof r === "string" && r.length > 0), verified: true };
}

/**
 * Verifies JWTs against the issuer's keys (JWKS, fetched and cached by `jose`): signature, `iss`,
 * `aud` and expiry. A token that is not a JWT is left to the keys (undefined).
 */
export function oidcVerifier(settings: OidcSettings): TokenVerifier {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const jwks = async () => {
    if (settings.jwksUrl) return createRemoteJWKSet(new URL(settings.jwksUrl));
    const discovery = `${settings.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
    const res = await fetch(discovery, { signal: AbortSignal.timeout(10_000) });
    const document = (await res.json()) as { jwks_uri?: unknown };
    if (!res.ok || typeof document.jwks_uri !== "string") throw new Error(`${discovery} names no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri));
  };
  return async (token) => {
    if (!looksLikeJwt(token)) return undefined;
    // A failed discovery is tried again with the next token.
    keys ??= jwks().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keys, {
        issuer: settings.issuer,
        ...(settings.audience ? { audience: settings.audience } : {}),
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) throw unauthorized(error.message);
      throw new GuildError("unauthorized", "the bearer token cannot be checked now: the issuer's keys cannot be read", { cause: error });
    }
    return principalOfClaims(payload, settings);
  };
}
