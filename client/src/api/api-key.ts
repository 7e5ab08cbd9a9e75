/**
 * The API key a reviewer entered, for a server started with GUILD_API_KEYS. Kept for the tab's
 * session only, so closing the tab forgets it.
 */
const STORAGE_KEY = "guild.apiKey";

export function apiKey(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function saveApiKey(key: string): void {
  if (key) sessionStorage.setItem(STORAGE_KEY, key);
  else sessionStorage.removeItem(STORAGE_KEY);
}
