export { GuildError, isGuildError, hasCode, type GuildErrorCode } from "./guild-error.ts";
