import { GuildError } from "../../agents/errors/index.ts";

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The host name of a `Host` header, without its port; `[::1]` keeps its brackets. */
function hostName(header: string): string {
  const name = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;
  return name.toLowerCase();
}

/**
 * Without API keys the server trusts whoever reaches it on loopback. A web page can reach it too,
 * by DNS rebinding (its own name resolving to 127.0.0.1); its requests then carry its own name in
 * `Host`. Only loopback names are answered, so such a page gets nothing.
 */
export function checkLocalHost(header: string | undefined): void {
  if (header && LOCAL_NAMES.has(hostName(header))) return;
  throw new GuildError(
    "forbidden",
    `Host '${header ?? ""}' is not a loopback name; without GUILD_API_KEYS the server answers only localhost, 127.0.0.1 and [::1]`,
  );
}
