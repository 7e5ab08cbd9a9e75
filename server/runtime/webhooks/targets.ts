import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { GuildError } from "../../../agents/errors/index.ts";

/** Addresses a webhook may not reach unless allowed: loopback, private, link-local, shared and unspecified. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv6");

function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  return PRIVATE.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * Refuses a webhook URL that is not http(s), or whose host is or resolves to a private or
 * loopback address (a receiver must not be a way into the server's own network), unless
 * `allowPrivate` (`GUILD_WEBHOOK_ALLOW_PRIVATE=1`). Checked when a webhook is made and again before
 * each attempt, since a name can resolve elsewhere later.
 */
export async function checkWebhookTarget(url: string, allowPrivate: boolean, field = "url"): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GuildError("invalid_input", `${field}: not a URL`, { details: { field } });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new GuildError("invalid_input", `${field}: a webhook is an http or https URL`, { details: { field } });
  if (parsed.username || parsed.password)
    throw new GuildError("invalid_input", `${field}: a webhook URL carries no credentials; verify the signature instead`, {
      details: { field },
    });
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw new GuildError("invalid_input", `${field}: the host '${host}' cannot be resolved`, { details: { field } });
  }
  if (addresses.some(isPrivate)) {
    throw new GuildError(
      "invalid_input",
      `${field}: '${host}' is a private or loopback address; webhooks go to public receivers (GUILD_WEBHOOK_ALLOW_PRIVATE=1 allows others)`,
      { details: { field } },
    );
  }
}
