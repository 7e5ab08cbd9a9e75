export { GuildError, isGuildError, hasCode, type GuildErrorCode, type GuildErrorOptions } from "./guild-error.ts";
