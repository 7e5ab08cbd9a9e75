import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The guild server `npm run dev:client` proxies to, for working on the client with live reload. */
const SERVER = "http://127.0.0.1:3000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Mermaid (the graph picture) is loaded on demand in chunks of its own; the app itself is small.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // Host is kept as the browser sent it, so the server's same-origin check passes for sockets.
    proxy: { "/api": SERVER, "/socket.io": { target: SERVER, ws: true } },
  },
});
