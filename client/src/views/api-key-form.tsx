import { useState, type FormEvent } from "react";
import { saveApiKey } from "../api/api-key.ts";

/** Asks for an API key when the server was started with GUILD_API_KEYS. */
export function ApiKeyForm() {
  const [key, setKey] = useState("");
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    saveApiKey(key.trim());
    window.location.reload();
  };
  return (
    <form className="panel" onSubmit={submit}>
      <h1>API key needed</h1>
      <p>This Guild server asks for an API key (it was started with GUILD_API_KEYS). The key is kept for this tab only.</p>
      <label htmlFor="api-key">API key</label>
      <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
      <button type="submit">Use this key</button>
    </form>
  );
}
