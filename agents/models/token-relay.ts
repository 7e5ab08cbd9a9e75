export interface TokenRelay {
  /** The listener of one attempt's text. */
  attempt(): ((delta: string) => void) | undefined;
}

/**
 * Passes the text of a streamed call to a listener across the call's attempts, so that a retried
 * stream does not repeat what the listener already has: an attempt's text is passed on only past
 * what was already sent, and only while it agrees with it. When a retry writes something else,
 * its live text stops; the finished message, a durable event, has the whole answer.
 * @example
 * const relay = tokenRelay(onToken);
 * await streamReply(model, messages, { signal, onText: relay.attempt() }); // once per attempt
 */
export function tokenRelay(onToken: ((delta: string) => void) | undefined): TokenRelay {
  let sent = "";
  return {
    attempt() {
      if (!onToken) return undefined;
      let text = "";
      let diverged = false;
      return (delta: string) => {
        text += delta;
        if (diverged) return;
        const agrees = text.length <= sent.length ? sent.startsWith(text) : text.startsWith(sent);
        if (!agrees) {
          diverged = true;
          return;
        }
        if (text.length <= sent.length) return;
        const fresh = text.slice(sent.length);
        sent = text;
        onToken(fresh);
      };
    },
  };
}
