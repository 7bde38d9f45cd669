// The phone benchmark (bench/phone.spec.ts) in Debian's Chromium, headless.
// The relays are started by scripts/bench-phone.sh, which passes their
// addresses on; nothing here is a test of the journeys.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: 'phone.spec.ts',
  timeout: 30 * 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../target/bench-results',
  use: {
    browserName: 'chromium',
    locale: 'de-DE',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
});
