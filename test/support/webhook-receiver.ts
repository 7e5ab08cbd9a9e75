import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** One message a receiver got: its Standard Webhooks headers and its body as sent. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { type: string; timestamp: string; data: any };
}

/**
 * A webhook receiver on loopback, as a customer would write one: it records every message and
 * answers with what `answer` says (200 by default); on `port`, or a free one.
 */
export async function startReceiver(
  answer: (message: Received, index: number) => number = () => 200,
  port = 0,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const message = {
        id: String(req.headers["webhook-id"]),
        timestamp: String(req.headers["webhook-timestamp"]),
        signature: String(req.headers["webhook-signature"]),
        body,
        json: JSON.parse(body),
      };
      received.push(message);
      res.statusCode = answer(message, received.length - 1);
      res.end();
    });
  });
  server.listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hooks/guild`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Verifies a message as the README tells receivers to: HMAC-SHA256 of `id.timestamp.body` with the secret's bytes. */
export function verifySignature(secret: string, message: Pick<Received, "id" | "timestamp" | "signature" | "body">): boolean {
  const key = Buffer.from(secret.split("_")[1]!, "base64");
  const expected = Buffer.from(createHmac("sha256", key).update(`${message.id}.${message.timestamp}.${message.body}`).digest("base64"));
  return message.signature.split(" ").some((candidate) => {
    const given = Buffer.from(candidate.replace(/^v1,/, ""));
    return candidate.startsWith("v1,") && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
