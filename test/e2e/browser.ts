import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page, type WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

/** Debian's Chromium, headless, with nothing that talks to the network on its own. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the screenshots go (git-ignored). */
export const ARTIFACTS_DIR = path.resolve("test-artifacts");

export type ChromiumLookup = { path: string } | { missing: string };

/** The Chromium the browser tests drive: CHROMIUM_PATH, or `chromium` on the PATH. Never a downloaded one. */
export function findChromium(): ChromiumLookup {
  const override = process.env.CHROMIUM_PATH;
  if (override) return isExecutable(override) ? { path: override } : { missing: `CHROMIUM_PATH=${override} is not an executable file` };
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return { path: candidate };
    }
  }
  return { missing: "no chromium on the PATH (Debian: apt-get install chromium; or set CHROMIUM_PATH)" };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const CHROMIUM = findChromium();
/** Why the browser tests are skipped here, or undefined when they run. */
export const SKIP_REASON = "missing" in CHROMIUM ? CHROMIUM.missing : undefined;

/** What a page did that a test checks afterwards: dialogs it opened, errors it threw, CSP refusals. */
export interface PageRecord {
  dialogs: string[];
  errors: string[];
}

export interface TestBrowser {
  /** A page in a fresh browser context (its own storage and cookies), at `url`. */
  open(
    url: string,
    options?: { socket?: SocketControl; viewport?: { width: number; height: number } },
  ): Promise<{ page: Page; record: PageRecord }>;
}

/** One Chromium for the test file (a fresh temporary profile, removed on close); each page gets its own context. */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!("path" in CHROMIUM)) return;
    browser = await chromium.launch({ executablePath: CHROMIUM.path, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async open(url, options = {}) {
      if (!browser) throw new Error("no browser");
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1366, height: 900 } });
      // A run of several steps (the QC demo starts an MCP server) can take a while on a busy 2-core machine.
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      const record: PageRecord = { dialogs: [], errors: [] };
      page.on("dialog", (dialog) => {
        record.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on("pageerror", (error) => record.errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error" && /Content Security Policy/i.test(message.text())) record.errors.push(message.text());
      });
      if (options.socket) await options.socket.install(page);
      await page.goto(url);
      return { page, record };
    },
  };
}

/**
 * Stands between a page and the server's Socket.IO WebSocket: can hold the server's events back
 * (a slow network: the page has not heard yet what happened), and can drop the connection.
 */
export class SocketControl {
  private holding = false;
  private held: (() => void)[] = [];
  private readonly open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  /** How many connections the page has opened so far. */
  connections = 0;

  async install(page: Page): Promise<void> {
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      this.connections += 1;
      const server = ws.connectToServer();
      const pair = { page: ws, server };
      this.open.add(pair);
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        // Socket.IO events are "42[...]"; acknowledgements, pings and the handshake pass.
        if (this.holding && typeof message === "string" && message.startsWith("42")) this.held.push(() => ws.send(message));
        else ws.send(message);
      });
      ws.onClose(() => this.open.delete(pair));
      server.onClose(() => this.open.delete(pair));
    });
  }

  /** From now on, the server's events wait until `release`. */
  hold(): void {
    this.holding = true;
  }

  /** Delivers what was held, in order, and lets events through again. */
  release(): void {
    this.holding = false;
    this.held.splice(0).forEach((send) => send());
  }

  /** Drops every connection, as a network would: the page's client reconnects by itself. */
  async drop(): Promise<void> {
    const pairs = [...this.open];
    this.open.clear();
    for (const { page, server } of pairs) {
      await server.close();
      await page.close();
    }
  }
}

/** The seqs of the run's timeline as the page shows it, top to bottom. */
export function timelineSeqs(page: Page): Promise<number[]> {
  return page.locator(".timeline li[data-seq]").evaluateAll((items) => items.map((item) => Number(item.getAttribute("data-seq"))));
}

/** Controls on the page that a screen reader could not name: no label, no text, no aria-label. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll("button, input, select, textarea, a[href], summary")]
    .filter((el) => {
      const named = (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.textContent || "").trim();
      const labelled = "labels" in el && el.labels && el.labels.length > 0;
      return !named && !labelled;
    })
    .map((el) => el.outerHTML.slice(0, 120))`);
}

/** The run id of the run view the page shows. */
export function runIdOf(page: Page): string {
  const match = /#\/runs\/([^/?#]+)/.exec(page.url());
  if (!match) throw new Error(`not a run view: ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}
