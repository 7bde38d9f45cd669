// Cold start of the app in each engine, measured the same way in the same
// run: Chromium (chromedriver), Firefox ESR (geckodriver) and WebKitGTK
// (WebKitWebDriver on a virtual display), all over W3C WebDriver with
// webdriverio, so that no engine gets a different kind of clock.
//
// A returning coordinator: the browser has opened Tandem before (the
// service worker keeps the app, one programme is stored). Each run opens
// `/` afresh and measures, on the page's own clock (from the start of the
// navigation), when the programme list shows its first card, and when the
// page is free again after that (the next frame and task), i.e. when the
// list is interactive. The rounds take the engines in turn, so that other
// work on the machine falls on all of them alike.
//
//   node bench/cold-start.mjs http://127.0.0.1:8090      # BENCH_RUNS (default 7)
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const runs = Number(process.env.BENCH_RUNS ?? 7);

// A GTK style sheet that lets the MiniBrowser's window be as small as the
// others' (see e2e/webkit/webkit.ts).
const gtkConfig = mkdtempSync(join(tmpdir(), 'tandem-bench-gtk-'));
mkdirSync(join(gtkConfig, 'gtk-3.0'));
writeFileSync(join(gtkConfig, 'gtk-3.0', 'gtk.css'), '* { font-size: 4px; min-width: 0; min-height: 0; padding: 0; margin: 0; }\n');

const engines = [
  {
    name: 'Chromium',
    driver: ['chromedriver', ['--port=4451']],
    port: 4451,
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
      },
    },
  },
  {
    name: 'Firefox ESR',
    driver: ['geckodriver', ['--port=4452', '--binary', '/usr/bin/firefox-esr']],
    port: 4452,
    capabilities: { browserName: 'firefox', 'moz:firefoxOptions': { args: ['-headless'] } },
  },
  {
    name: 'WebKitGTK',
    driver: ['xvfb-run', ['-a', 'WebKitWebDriver', `--port=${process.env.TANDEM_WEBKIT_DRIVER_PORT ?? 4444}`]],
    port: Number(process.env.TANDEM_WEBKIT_DRIVER_PORT ?? 4444),
    env: { XDG_CONFIG_HOME: gtkConfig },
    capabilities: { browserName: 'MiniBrowser' },
  },
];

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startDriver(engine) {
  const [command, args] = engine.driver;
  engine.process = spawn(command, args, { stdio: 'ignore', detached: true, env: { ...process.env, ...engine.env } });
  const until = Date.now() + 30_000;
  while (!(await listening(engine.port))) {
    if (Date.now() > until) throw new Error(`${engine.name}: its WebDriver did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  engine.browser = await remote({
    hostname: '127.0.0.1',
    port: engine.port,
    logLevel: 'warn',
    capabilities: { 'wdio:enforceWebDriverClassic': true, pageLoadStrategy: 'none', ...engine.capabilities },
  });
  await engine.browser.setWindowRect(0, 0, 1280, 900).catch(() => undefined);
}

function stopDriver(engine) {
  if (engine.process?.pid) {
    try {
      process.kill(-engine.process.pid, 'SIGTERM');
    } catch {
      engine.process.kill('SIGTERM');
    }
  }
}

/** Opens `/` and waits until the navigation has reached the new document. */
async function open(browser) {
  await browser.url('about:blank');
  await browser.url(`${base}/`);
  await browser.waitUntil(
    async () => (await browser.execute(() => `${location.href}|${document.readyState}`)).startsWith(`${base}/|`),
    { timeout: 30_000, interval: 5 },
  );
}

/** When the first programme card appeared and when the page was free after it, on the page's clock. */
async function listShown(browser) {
  return browser.executeAsync((done) => {
    let seen = false;
    const check = () => {
      if (seen || !document.querySelector('[data-testid="programme-card"] a')) return false;
      seen = true;
      const shown = performance.now();
      requestAnimationFrame(() => setTimeout(() => done({ shown, interactive: performance.now() }), 0));
      return true;
    };
    if (!check()) {
      const observer = new MutationObserver(() => {
        if (check()) observer.disconnect();
      });
      observer.observe(document, { childList: true, subtree: true });
    }
  });
}

/** The first visit: the app is installed by its service worker and one programme is made. */
async function prepare(browser) {
  await browser.setTimeout({ script: 60_000 });
  await open(browser);
  await browser.$('[data-testid="programme-name"]').waitForExist({ timeout: 60_000 });
  await browser.execute(() => {
    const set = (id, value) => {
      const field = document.querySelector(`[data-testid="${id}"]`);
      field.value = value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const author = document.querySelector('[data-testid="author-name"]');
    if (author) set('author-name', 'Petra Probe');
    set('programme-name', 'Cross-Mentoring Kassel 2026');
    set('programme-start', '2026-02-01');
    set('programme-end', '2027-01-31');
    set('partner-0', 'Stadt Kassel');
    document.querySelector('[data-testid="create-programme"]').click();
  });
  await browser.$('[data-testid="programme-card"]').waitForExist({ timeout: 30_000 });
  await browser.waitUntil(() => browser.execute(() => navigator.serviceWorker?.controller != null).catch(() => false), {
    timeout: 30_000,
  }).catch(() => undefined);
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(0)} ms (${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)} ms, ${values.length} runs)`;
}

const results = new Map(engines.map((engine) => [engine.name, { shown: [], interactive: [] }]));
try {
  for (const engine of engines) {
    await startDriver(engine);
    await prepare(engine.browser);
  }
  for (let round = 0; round < runs; round += 1) {
    for (const engine of engines) {
      await open(engine.browser);
      const { shown, interactive } = await listShown(engine.browser);
      results.get(engine.name).shown.push(shown);
      results.get(engine.name).interactive.push(interactive);
    }
  }
  console.log(`cold start, navigation → programme list (a returning coordinator, one programme), ${runs} runs each, engines in turn:`);
  for (const engine of engines) {
    const { shown, interactive } = results.get(engine.name);
    console.log(`${engine.name.padEnd(12)} list shown:       ${summary(shown)}`);
    console.log(`${engine.name.padEnd(12)} list interactive: ${summary(interactive)}`);
  }
} finally {
  for (const engine of engines) {
    await engine.browser?.deleteSession().catch(() => undefined);
    stopDriver(engine);
  }
}
