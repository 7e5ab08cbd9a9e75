import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRINCIPALS, as } from "../support/principals.ts";
import { call, useServer, type TestServerOptions } from "../support/server.ts";

/** An identity provider on loopback: its discovery document and JWKS, and keys to sign with. */
const idp = {} as {
  issuer: string;
  server: http.Server;
  sign(claims: JWTPayload, options?: { expiresIn?: string; audience?: string; issuer?: string; foreign?: boolean }): Promise<string>;
};
const options: TestServerOptions = { principals: PRINCIPALS };

beforeAll(async () => {
  const keys = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  idp.server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks` }));
    else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end("{}");
  });
  idp.server.listen(0, "127.0.0.1");
  await new Promise((resolve) => idp.server.once("listening", resolve));
  idp.issuer = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
  idp.sign = (claims, o = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(o.issuer ?? idp.issuer)
      .setAudience(o.audience ?? "guild")
      .setIssuedAt()
      .setExpirationTime(o.expiresIn ?? "5m")
      .sign(o.foreign ? foreign.privateKey : keys.privateKey);
  options.oidc = { issuer: idp.issuer, audience: "guild", tenantClaim: "org.tenant", rolesClaim: "roles" };
});
afterAll(() => new Promise<void>((resolve) => idp.server.close(() => resolve())));

const t = useServer(options);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const OLGA = { sub: "olga", name: "Olga Berg", org: { tenant: "acme" }, roles: ["submitter", "reviewer"] };

describe("OIDC bearer tokens", () => {
  it("takes who the caller is from a token the issuer's keys verify, next to the auth file's keys", async () => {
    const token = await idp.sign(OLGA);
    const me = await t.api("GET", "/api/me", undefined, bearer(token));
    expect(me.body.principal).toEqual({ id: "olga", name: "Olga Berg", tenant: "acme", roles: ["submitter", "reviewer"], verified: true });
    const started = await t.api("POST", "/api/runs", { task: "What does the home policy say about escape of water?" }, bearer(token));
    expect(started.status).toBe(202);
    // Olga's run is acme's: ana sees it, gus does not.
    expect((await t.api("GET", `/api/runs/${started.body.run.id}`, undefined, as("k-ana"))).status).toBe(200);
    expect((await t.api("GET", `/api/runs/${started.body.run.id}`, undefined, as("k-gus"))).status).toBe(404);
    const socket = await t.socket({ token });
    expect(await call(socket, "run:subscribe", { runId: started.body.run.id })).toMatchObject({ ok: true });
  });

  it("refuses tokens expired, for another audience or issuer, signed by other keys, or without a tenant", async () => {
    const bad = [
      await idp.sign(OLGA, { expiresIn: "-1m" }),
      await idp.sign(OLGA, { audience: "someone-else" }),
      await idp.sign(OLGA, { issuer: "https://evil.example" }),
      await idp.sign(OLGA, { foreign: true }),
      await idp.sign({ ...OLGA, org: {} }),
      "not.a.jwt",
    ];
    for (const token of bad) {
      const res = await t.api("GET", "/api/me", undefined, bearer(token));
      expect([res.status, res.body.error.code]).toEqual([401, "unauthorized"]);
    }
    const viewer = await idp.sign({ ...OLGA, roles: "viewer" });
    const refused = await t.api("POST", "/api/runs", { task: "x" }, bearer(viewer));
    expect([refused.status, refused.body.error.code]).toEqual([403, "missing_role"]);
  });
});
