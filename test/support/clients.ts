import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/contract/index.ts";
import { tempDir } from "./temp.ts";

/** What tests and benchmarks share: the demo task, temp folders, HTTP and socket clients, waiting. No vitest here. */

export const DEMO_TASK =
  "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover, work out the payout, pay it and email the customer.";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A fresh, empty folder under the system's temp folder; removed by the returned function, or when the test file ends. */
export const tempDataDir = tempDir;

/** A JSON request to a Guild server; `body` may be a string to send as it is. */
export async function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: the text itself */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A socket.io client connected to a Guild server over WebSocket; rejects with the `connect_error`. */
export async function connectSocket(url: string, token?: string): Promise<Client> {
  const client: Client = connect(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(token ? { auth: { token } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", reject);
  });
  return client;
}

/** Resolves with what `probe` returns once it is truthy, polling; fails naming `what` after the timeout. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
