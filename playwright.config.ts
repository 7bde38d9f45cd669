// End-to-end journeys in Debian's Chromium and Debian's Firefox ESR (no
// browser download): every journey runs once in each, as a project per
// browser. Firefox is driven over WebDriver BiDi (`channel: 'moz-firefox'`
// with Debian's `firefox-esr` as the executable); Playwright 1.65 asks it
// for a media-feature override that Firefox 153 ESR does not know, so the
// version is held at 1.64.1 (see package.json). The relay serves the built
// app (`dist`), as it does for coordinators.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.TANDEM_E2E_PORT ?? 4173);
const relay = process.env.TANDEM_RELAY_BIN ?? 'target/release/tandem-relay';
const staticDir = process.env.TANDEM_STATIC_DIR ?? 'dist';
// The relay's database for a test run lives outside the checkout.
// Test workers load this file again: they inherit the path chosen first,
// so journeys that check what the relay stored read the right file.
process.env.TANDEM_E2E_RELAY_DB ??= join(tmpdir(), `tandem-e2e-relay-${port}-${process.pid}.sqlite3`);
const database = process.env.TANDEM_E2E_RELAY_DB;
// Where the relay writes its log (what it refused, and why, among it):
// scripts/test.sh shows the refusals when a journey fails.
const relayLog = process.env.TANDEM_E2E_RELAY_LOG ?? '/dev/null';
// Where Firefox saves downloads: Playwright does not hear of them there
// (e2e/fixtures/download.ts), so journeys take the files from this folder.
process.env.TANDEM_E2E_DOWNLOADS ??= join(tmpdir(), `tandem-e2e-downloads-${port}-${process.pid}`);

export default defineConfig({
  testDir: 'e2e',
  // WebKit's journeys run over WebDriver, with their own configuration
  // (playwright.webkit.config.ts).
  testIgnore: 'webkit/**',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'target/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'de-DE',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
    {
      name: 'firefox',
      // Each step over WebDriver BiDi takes Firefox longer than Chromium
      // over CDP (on a shared 2-core machine, the longest journeys need
      // more than a minute there).
      timeout: 180_000,
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: {
          executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
          downloadsPath: process.env.TANDEM_E2E_DOWNLOADS,
        },
      },
    },
  ],
  webServer: {
    command: `${relay} --addr 127.0.0.1:${port} --static-dir ${staticDir} --db ${database} >> '${relayLog}'`,
    // Every journey, in both browsers, comes from 127.0.0.1 and opens
    // rooms (sharing, tandem pages, new generations): more in one run than
    // the relay's ration for one address (60 new rooms an hour), which is
    // meant for strangers and tested in crates/relay/tests/abuse.rs. The
    // same holds for applications by link (crates/relay/tests/inbox.rs).
    env: {
      ...(process.env as Record<string, string>),
      TANDEM_NEW_ROOMS_PER_HOUR: '100000',
      TANDEM_INBOX_APPENDS_PER_HOUR: '100000',
      // The relay refuses pushes when its disk has less than 1 GiB free
      // (tested in crates/relay/tests/abuse.rs); a test machine whose disk
      // the builds have nearly filled must not make the journeys fail.
      TANDEM_MIN_FREE_DISK_BYTES: '0',
    },
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
