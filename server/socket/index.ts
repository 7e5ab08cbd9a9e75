export { SocketGateway, type GuildSocketServer } from "./gateway.ts";
