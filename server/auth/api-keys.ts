import { createHash, timingSafeEqual } from "node:crypto";
import { GuildError } from "../../agents/errors/index.ts";

const digest = (key: string): Buffer => createHash("sha256").update(key).digest();

/**
 * The API keys of `GUILD_API_KEYS`. With none configured every caller is let in (the server then
 * binds loopback only); with some, REST and socket callers must present one.
 */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  /** Throws `unauthorized` unless the token is one of the keys; compares in constant time. */
  check(token: string | undefined): void {
    if (!this.required) return;
    if (!token) throw new GuildError("unauthorized", "an API key is required: send the header 'Authorization: Bearer <key>' (Socket.IO: auth.token)");
    const presented = digest(token);
    // Every key is compared, so the time taken says nothing about which one nearly matched.
    const matches = this.digests.reduce((found, d) => timingSafeEqual(d, presented) || found, false);
    if (!matches) throw new GuildError("unauthorized", "the API key is not valid");
  }

  /** The token of an `Authorization: Bearer <token>` header. */
  static bearer(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return match?.[1];
  }
}
