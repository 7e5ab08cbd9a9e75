export { WebhookDispatcher, retryDelay, type DescribeDelivery, type WebhookSettings } from "./dispatcher.ts";
export { Webhooks, deliveryView, webhookView } from "./service.ts";
export { newWebhookSecret, signWebhook } from "./signing.ts";
export { checkWebhookTarget } from "./targets.ts";
