/**
 * SQLSTATEs that say "not now" rather than "no": serialization failure, deadlock, lock not
 * available (lock_timeout), the server shutting down or starting up, too many connections.
 */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set(["40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"]);

/** Socket errors of a server that is down, restarting or unreachable for a moment. */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** What pg says, without a code, when a connection drops or cannot be had in time. */
const TRANSIENT_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * Whether a failure of a Postgres call is worth another try: the server or the connection was
 * unavailable (class 08 and the codes above). A constraint, a trigger's RAISE or a syntax error is
 * a refusal and is not.
 */
export function isTransientPostgresError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (TRANSIENT_SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith("08") || TRANSIENT_SQLSTATES.has(code);
  }
  // A refused connection to "localhost" is an AggregateError of one refusal per address.
  if (error instanceof AggregateError) return error.errors.some(isTransientPostgresError);
  return error instanceof Error && TRANSIENT_MESSAGES.test(error.message);
}
