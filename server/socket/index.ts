export { SocketGateway, type GatewayOptions, type GuildSocketServer } from "./gateway.ts";
