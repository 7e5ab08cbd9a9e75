export { createApp, BODY_LIMIT, type AppOptions } from "./app.ts";
export { openApiDocument } from "./openapi.ts";
export { apiRoutes } from "./routes.ts";
