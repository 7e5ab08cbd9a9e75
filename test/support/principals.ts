import { parseAuthFile, type PrincipalEntry } from "../../server/auth/index.ts";

/** The auth file of issue 13: ana and max of acme (max the claims manager), gus of globex, vic who only reads. */
export const AUTH_FILE = JSON.stringify({
  principals: [
    { key: "k-ana", id: "ana", name: "Ana Ruiz", tenant: "acme", roles: ["submitter", "reviewer"] },
    { key: "k-max", id: "max", name: "Max Stone", tenant: "acme", roles: ["reviewer", "claims_manager", "admin"] },
    { key: "k-gus", id: "gus", tenant: "globex", roles: ["submitter", "reviewer"] },
    { key: "k-vic", id: "vic", tenant: "acme", roles: ["viewer"] },
  ],
});

export const PRINCIPALS: PrincipalEntry[] = parseAuthFile(AUTH_FILE);

/** The bearer header of a key. */
export const as = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
