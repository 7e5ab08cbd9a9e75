import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { Authenticator, parseAuthFile, principalsOfKeys } from "../../server/auth/index.ts";
import { loadConfig } from "../../server/config.ts";
import { tempDataDir } from "../support/clients.ts";
import { AUTH_FILE } from "../support/principals.ts";

const fieldOf = (text: string): unknown => {
  try {
    parseAuthFile(text);
  } catch (error) {
    return (error as { details: { field: string } }).details.field;
  }
  return "(accepted)";
};

describe("GUILD_AUTH_FILE", () => {
  it("reads principals with their tenant and roles", () => {
    const entries = parseAuthFile(AUTH_FILE);
    expect(entries.map((e) => e.principal)).toEqual([
      { id: "ana", name: "Ana Ruiz", tenant: "acme", roles: ["submitter", "reviewer"], verified: true },
      { id: "max", name: "Max Stone", tenant: "acme", roles: ["reviewer", "claims_manager", "admin"], verified: true },
      { id: "gus", name: "gus", tenant: "globex", roles: ["submitter", "reviewer"], verified: true },
      { id: "vic", name: "vic", tenant: "acme", roles: ["viewer"], verified: true },
    ]);
  });

  it("names the field at fault, and never the key", () => {
    const one = (p: Record<string, unknown>) => JSON.stringify({ principals: [{ key: "k-1", id: "a", roles: ["reviewer"], ...p }] });
    expect(fieldOf("{ not json")).toBe("(file)");
    expect(fieldOf(JSON.stringify({ principals: [] }))).toBe("principals");
    expect(fieldOf(one({ roles: [] }))).toBe("principals[0].roles");
    expect(fieldOf(one({ roles: ["Claims Manager"] }))).toBe("principals[0].roles[0]");
    expect(fieldOf(one({ tenant: "ACME corp" }))).toBe("principals[0].tenant");
    expect(fieldOf(one({ id: "" }))).toBe("principals[0].id");
    expect(fieldOf(one({ admin: true }))).toBe("principals[0]");
    expect(
      fieldOf(
        JSON.stringify({
          principals: [
            { key: "secret-k", id: "a", roles: ["viewer"] },
            { key: "secret-k", id: "b", roles: ["viewer"] },
          ],
        }),
      ),
    ).toBe("principals[1].key");
    try {
      parseAuthFile(
        JSON.stringify({
          principals: [
            { key: "secret-k", id: "a", roles: ["viewer"] },
            { key: "secret-k", id: "b", roles: ["viewer"] },
          ],
        }),
      );
    } catch (error) {
      expect((error as Error).message).not.toContain("secret-k");
    }
  });

  it("stops start-up on a bad or missing file, naming the variable and the field", () => {
    const folder = tempDataDir();
    try {
      fs.writeFileSync(`${folder.dir}/auth.json`, JSON.stringify({ principals: [{ key: "k", id: "a", roles: "reviewer" }] }));
      expect(() => loadConfig({ GUILD_AUTH_FILE: "auth.json" }, folder.dir)).toThrow(/GUILD_AUTH_FILE: principals\[0\]\.roles/);
      expect(() => loadConfig({ GUILD_AUTH_FILE: "missing.json" }, folder.dir)).toThrow(/GUILD_AUTH_FILE: cannot read/);
      fs.writeFileSync(`${folder.dir}/auth.json`, AUTH_FILE);
      expect(loadConfig({ GUILD_AUTH_FILE: "auth.json" }, folder.dir).principals.map((p) => p.principal.id)).toEqual([
        "ana",
        "max",
        "gus",
        "vic",
      ]);
    } finally {
      folder.remove();
    }
  });

  it("reads the OIDC settings, with the claims' defaults, and names a bad issuer", () => {
    expect(loadConfig({ GUILD_OIDC_ISSUER: "https://id.example.com/realms/acme", GUILD_OIDC_AUDIENCE: "guild" }, "/").oidc).toEqual({
      issuer: "https://id.example.com/realms/acme",
      audience: "guild",
      tenantClaim: "tenant",
      rolesClaim: "roles",
      jwksUrl: undefined,
    });
    expect(loadConfig({}, "/").oidc).toBeUndefined();
    expect(() => loadConfig({ GUILD_OIDC_ISSUER: "id.example.com" }, "/")).toThrow(/GUILD_OIDC_ISSUER/);
  });

  it("authenticates by key, GUILD_API_KEYS ones with every role in the default tenant", async () => {
    const auth = new Authenticator([...principalsOfKeys(["legacy"]), ...parseAuthFile(AUTH_FILE)]);
    expect(await auth.authenticate("k-vic")).toMatchObject({ id: "vic", tenant: "acme" });
    expect(await auth.authenticate("legacy")).toMatchObject({ tenant: "default", roles: ["*"], verified: true });
    await expect(auth.authenticate("k-vi")).rejects.toMatchObject({ code: "unauthorized" });
    await expect(auth.authenticate(undefined)).rejects.toMatchObject({ code: "unauthorized" });
    expect(await new Authenticator([]).authenticate(undefined)).toMatchObject({ id: "local", verified: false });
  });
});
