// The live-sync journey through TLS, as a city runs the relay: Caddy
// (Debian's package, its internal CA) in front of the relay, the app at
// https://tandem.test, live sync over wss://. Chromium resolves the test
// name to this computer and trusts the CA through an NSS database in a
// home folder of its own (scripts/tls-proxy.sh makes both).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

const port = Number(process.env.TANDEM_E2E_PORT ?? 4173);
const tlsPort = Number(process.env.TANDEM_E2E_TLS_PORT ?? port + 443);
const name = 'tandem.test';
const relay = process.env.TANDEM_RELAY_BIN ?? 'target/release/tandem-relay';
const staticDir = process.env.TANDEM_STATIC_DIR ?? 'dist';
const folder = join(tmpdir(), `tandem-e2e-tls-${tlsPort}`);
process.env.TANDEM_E2E_RELAY_DB ??= join(tmpdir(), `tandem-e2e-tls-relay-${tlsPort}-${process.pid}.sqlite3`);
const database = process.env.TANDEM_E2E_RELAY_DB;

// Chromium only: it trusts Caddy's CA through the NSS database made for
// this run; its project's options from playwright.config.ts, with the
// test name mapped to this computer.
const chromium = base.projects?.find((project) => project.name === 'chromium');

export default defineConfig({
  ...base,
  testMatch: '**/tls/*.tls.ts',
  use: { ...base.use, baseURL: `https://${name}:${tlsPort}` },
  projects: [
    {
      ...chromium,
      use: {
        ...chromium?.use,
        baseURL: `https://${name}:${tlsPort}`,
        launchOptions: {
          ...chromium?.use?.launchOptions,
          args: [...(chromium?.use?.launchOptions?.args ?? []), `--host-resolver-rules=MAP ${name} 127.0.0.1`],
          env: { ...process.env, HOME: join(folder, 'home') },
        },
      },
    },
  ],
  webServer: {
    command:
      `bash scripts/tls-proxy.sh ${name} ${tlsPort} ${folder} -- ` +
      `${relay} --addr 127.0.0.1:${port} --static-dir ${staticDir} --db ${database} --behind-tls --metrics-addr off`,
    // The relay answers only once Caddy runs and its CA is trusted.
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
