export { WebhookDispatcher, type WebhookSettings } from "./dispatcher.ts";
export { Webhooks } from "./service.ts";
