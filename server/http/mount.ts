import type { Router, Request } from "express";
import type { z } from "zod";
import { requireRole } from "../auth/index.ts";
import type { Principal } from "../contract/index.ts";
import { parseInput } from "../runtime/index.ts";
import type { Route } from "./route.ts";

const validated = (schema: unknown, value: unknown, what: string): unknown =>
  schema ? parseInput(schema as z.ZodType, value, what) : undefined;

/** Mounts routes on an Express router: checks each route's role, then validates params, query and body by its schemas. */
export function mountRoutes(router: Router, routes: readonly Route[]): void {
  for (const r of routes) {
    router[r.method](r.path, async (req: Request, res) => {
      const principal = res.locals.principal as Principal;
      if (r.role) requireRole(principal, r.role.name, r.role.to);
      const input = {
        principal,
        params: validated(r.params, req.params, "invalid path"),
        query: validated(r.query, { ...req.query }, "invalid query"),
        body: validated(r.body, req.body, "invalid body"),
        header: (name: string) => req.get(name),
      };
      const { status, body } = await r.handle(input);
      res.status(status).json(body);
    });
  }
}
