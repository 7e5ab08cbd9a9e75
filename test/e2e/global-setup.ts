import { CLIENT_DIST_DIR, ensureClientBuilt } from "../../client/build.ts";
import { SKIP_REASON } from "./browser.ts";

/**
 * Before any test: builds the web client when client/dist is missing or stale, once for every
 * worker; or, where there is no Chromium, says plainly that the browser tests will be skipped.
 * Under CI (`CI` set) a missing Chromium fails the run instead: a skipped browser test is no pass.
 */
export default async function setup(): Promise<() => void> {
  if (SKIP_REASON && process.env.CI) throw new Error(`the browser tests (test/e2e) cannot run under CI: ${SKIP_REASON}`);
  if (SKIP_REASON) {
    const say = (): void => void process.stdout.write(`\n  Browser tests (test/e2e) SKIPPED: ${SKIP_REASON}.\n\n`);
    say();
    return say;
  }
  if (await ensureClientBuilt({ quiet: true }))
    process.stdout.write(`  built the web client into ${CLIENT_DIST_DIR} for the browser tests\n`);
  return () => {};
}
