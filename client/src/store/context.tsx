import { createContext, useContext, type ReactNode } from "react";
import type { Guild } from "./guild.ts";

const GuildContext = createContext<Guild | undefined>(undefined);

export function GuildProvider({ guild, children }: { guild: Guild; children: ReactNode }) {
  return <GuildContext.Provider value={guild}>{children}</GuildContext.Provider>;
}

/** The client's stores, from the provider at the root. */
export function useGuild(): Guild {
  const guild = useContext(GuildContext);
  if (!guild) throw new Error("useGuild outside GuildProvider");
  return guild;
}
