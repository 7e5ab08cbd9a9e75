import { createHash, timingSafeEqual } from "node:crypto";
import { GuildError } from "../../agents/errors/index.ts";
import type { Principal } from "../contract/index.ts";
import { LOCAL_PRINCIPAL, type PrincipalEntry } from "./principals.ts";

const digest = (key: string): Buffer => createHash("sha256").update(key).digest();

/** Checks a bearer token that is not a key (an OIDC JWT); undefined when it is not one it knows. */
export type TokenVerifier = (token: string) => Promise<Principal | undefined>;

/**
 * Who a caller is, from its bearer token: one of the keys (the auth file's or `GUILD_API_KEYS`),
 * or a token the verifier accepts. With neither keys nor a verifier, everyone is the loopback
 * development principal (the server then binds loopback only).
 */
export class Authenticator {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(
    entries: readonly PrincipalEntry[],
    private readonly verifier?: TokenVerifier,
  ) {
    this.entries = entries.map((e) => ({
      digest: digest(e.key),
      principal: Object.freeze({ ...e.principal, roles: Object.freeze([...e.principal.roles]) }) as Principal,
    }));
  }

  /** Whether callers must present a token. */
  get required(): boolean {
    return this.entries.length > 0 || this.verifier !== undefined;
  }

  /**
   * The principal a token proves; throws `unauthorized` without a valid one. Keys are compared in
   * constant time, every one of them, so the time taken says nothing about which nearly matched.
   */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!this.required) return LOCAL_PRINCIPAL;
    if (!token)
      throw new GuildError("unauthorized", "an API key is required: send the header 'Authorization: Bearer <key>' (Socket.IO: auth.token)");
    const presented = digest(token);
    let found: Principal | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, presented)) found ??= entry.principal;
    if (found) return found;
    const verified = this.verifier ? await this.verifier(token) : undefined;
    if (verified) return verified;
    throw new GuildError("unauthorized", "the API key or token is not valid");
  }

  /** The token of an `Authorization: Bearer <token>` header. */
  static bearer(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return match?.[1];
  }
}
