export { Authenticator } from "./authenticator.ts";
export { checkLocalHost } from "./local-host.ts";
export { oidcVerifier, type OidcSettings } from "./oidc.ts";
export {
  LOCAL_PRINCIPAL,
  parseAuthFile,
  principalsOfKeys,
  requireRole,
  type PrincipalEntry,
} from "./principals.ts";
