// Journeys in WebKitGTK (Safari's engine) at phone size. Playwright's own
// WebKit is a download; Debian's WebKitWebDriver drives the MiniBrowser
// over W3C WebDriver instead (e2e/webkit/webkit.ts, with webdriverio), and
// Playwright only runs the journeys and drives the Chromium of the
// partner's side. Each journey file starts its own relay (on
// TANDEM_E2E_PORT + 1), so that it can take the network away.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e/webkit',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'target/e2e-webkit-results',
});
