export { Authenticator, type TokenVerifier } from "./authenticator.ts";
export { checkLocalHost } from "./local-host.ts";
export { oidcVerifier, principalOfClaims, type OidcSettings } from "./oidc.ts";
export {
  BUILTIN_ROLES,
  EVERY_ROLE,
  LOCAL_PRINCIPAL,
  hasRole,
  parseAuthFile,
  principalsOfKeys,
  requireRole,
  type BuiltinRole,
  type PrincipalEntry,
} from "./principals.ts";
