import type { z } from "zod";
import type { Principal } from "../contract/index.ts";

// A route without a schema for an input gets `undefined` there; the untyped `Route` gets `unknown`.
type Output<S> = S extends z.ZodType ? z.output<S> : S extends undefined ? undefined : unknown;

/** What a route's handler gets: its inputs, each validated by the route's schema. */
export interface RouteInput<P, Q, B> {
  params: Output<P>;
  query: Output<Q>;
  body: Output<B>;
  header(name: string): string | undefined;
  /** Who calls: checked against the route's role before the handler runs. */
  principal: Principal;
}

export interface RouteResponse {
  status: number;
  body: unknown;
}

/**
 * One REST route, declared once: Express mounts it and the OpenAPI document describes it from the
 * same schemas, so the two cannot disagree.
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: "get" | "post" | "patch" | "delete";
  /** Express style: `/api/runs/:id`. */
  path: string;
  summary: string;
  /** The role a caller needs (403 `missing_role` without it); any principal may call a route without one (reads). */
  role?: { name: string; to: string };
  params?: P;
  query?: Q;
  body?: B;
  headers?: readonly { name: string; schema: z.ZodType; description: string }[];
  responses: Readonly<Record<number, { description: string; schema?: z.ZodType }>>;
  handle(input: RouteInput<P, Q, B>): RouteResponse | Promise<RouteResponse>;
}

/** Declares a route, inferring its handler's input types from its schemas. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: Route<P, Q, B>): Route {
  return spec as unknown as Route;
}
