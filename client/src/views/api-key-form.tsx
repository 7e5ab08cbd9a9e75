import { useState, type FormEvent } from "react";
import { saveApiKey } from "../api/api-key.ts";

/** Asks for an API key (or a bearer token) when the server needs one. */
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
      <p>
        This Guild server asks for an API key: one of GUILD_API_KEYS, a key of its auth file (GUILD_AUTH_FILE), or an OIDC token. Your key
        says who you are and what you may do. It is kept for this tab only.
      </p>
      <label htmlFor="api-key">API key</label>
      <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
      <button type="submit">Use this key</button>
    </form>
  );
}
