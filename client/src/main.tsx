import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { GuildProvider } from "./store/context.tsx";
import { createGuild } from "./store/guild.ts";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <GuildProvider guild={createGuild()}>
      <App />
    </GuildProvider>
  </StrictMode>,
);
