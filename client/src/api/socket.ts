import { io, type Socket } from "socket.io-client";
import type { Ack, ClientToServerEvents, ServerToClientEvents } from "../../../server/contract/index.ts";
import { apiKey } from "./api-key.ts";

export type GuildSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a socket call may wait for its acknowledgement. */
export const ACK_TIMEOUT_MS = 10_000;

/**
 * The socket to this origin's Guild server. WebSocket only: the server is same-origin, and one
 * transport keeps reconnection simple. It reconnects by itself; the stores resubscribe on `connect`.
 */
export function openSocket(): GuildSocket {
  const key = apiKey();
  return io({ transports: ["websocket"], ...(key ? { auth: { token: key } } : {}) });
}

/**
 * The acknowledgement of a socket call, or an error ack when none came in time.
 * @example const ack = await acked(socket.timeout(ACK_TIMEOUT_MS).emitWithAck("inbox:subscribe", {}));
 */
export async function acked<T extends object>(sent: Promise<Ack<T>>): Promise<Ack<T>> {
  try {
    return await sent;
  } catch {
    return { ok: false, error: { code: "timeout", message: `the server did not answer within ${ACK_TIMEOUT_MS / 1000} s` } };
  }
}
