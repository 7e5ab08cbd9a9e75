import { createHmac, randomBytes } from "node:crypto";

/** A new signing secret, as Standard Webhooks writes them: `whsec_` and the key in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * The `webhook-signature` of a message: `v1,` and the base64 HMAC-SHA256, keyed by the secret's
 * decoded bytes, of `id.timestamp.body` (Standard Webhooks).
 * @example signWebhook(secret, "msg_1", 1700000000, '{"type":"run.completed",...}')
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}
