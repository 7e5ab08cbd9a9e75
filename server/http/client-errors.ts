import http from "node:http";
import type { Duplex } from "node:stream";

/**
 * Answers requests Node's parser refuses before Express sees them (headers too large, not HTTP)
 * in the contract's JSON, instead of Node's bare status line.
 * @example server.on("clientError", answerClientError);
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: tooLarge
      ? { code: "headers_too_large", message: "the request's headers are too large" }
      : { code: "invalid_input", message: "the request is not valid HTTP" },
  });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
