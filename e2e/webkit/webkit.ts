// WebKit for the journeys: WebKitGTK's MiniBrowser, driven by Debian's
// WebKitWebDriver over W3C WebDriver (webdriverio as the client), under a
// virtual display (xvfb-run). WebKit is the engine of Safari and of every
// browser on an iPhone; Playwright's own WebKit would have to be downloaded.
//
// The window is sized so that the page gets 390 × 844 CSS pixels, an
// iPhone's: the MiniBrowser's toolbar would not let the window be narrower
// than 447 pixels, so a GTK style sheet (in a configuration folder of the
// run's own) makes the toolbar small.
//
// The relay runs here too, as its own process, so that a journey can take
// the network away (stop it) and bring it back (start it on the same port
// and database), as WebDriver cannot switch a browser offline.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser as WebDriverBrowser } from 'webdriverio';

export const PHONE = { width: 390, height: 844 };

const driverPort = Number(process.env.TANDEM_WEBKIT_DRIVER_PORT ?? 4444);
const miniBrowser =
  process.env.TANDEM_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(port: number, up: boolean, what: string) {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if ((await listening(port)) === up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not ${up ? 'start' : 'stop'} on port ${port}`);
}

function stopGroup(child: ChildProcess | undefined) {
  if (child?.pid === undefined || child.exitCode !== null) return;
  // The process group: xvfb-run with its X server and the driver with its
  // browsers; the relay alone.
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

/** The relay serving the built app, on its own port and database. */
export class Relay {
  private child: ChildProcess | undefined;
  readonly database: string;

  /** `args`: more of the relay's flags, e.g. its limits. */
  constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {
    this.database = join(mkdtempSync(join(tmpdir(), 'tandem-webkit-relay-')), 'relay.sqlite3');
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const binary = process.env.TANDEM_RELAY_BIN ?? 'target/release/tandem-relay';
    const staticDir = process.env.TANDEM_STATIC_DIR ?? 'dist';
    this.child = spawn(
      binary,
      ['--addr', `127.0.0.1:${this.port}`, '--static-dir', staticDir, '--db', this.database, ...this.args],
      { stdio: 'ignore', detached: true },
    );
    await waitFor(this.port, true, 'the relay');
  }

  /** Takes the network away: nothing answers on the relay's address. */
  async stop() {
    stopGroup(this.child);
    this.child = undefined;
    await waitFor(this.port, false, 'the relay');
  }
}

/** WebKitWebDriver under a virtual display, started once for a file of journeys. */
export class WebKitDriver {
  private child: ChildProcess | undefined;

  async start() {
    if (await listening(driverPort)) throw new Error(`port ${driverPort} is taken; WebKitWebDriver needs it`);
    const config = mkdtempSync(join(tmpdir(), 'tandem-webkit-gtk-'));
    mkdirSync(join(config, 'gtk-3.0'));
    writeFileSync(
      join(config, 'gtk-3.0', 'gtk.css'),
      '* { font-size: 4px; min-width: 0; min-height: 0; padding: 0; margin: 0; }\n',
    );
    this.child = spawn(
      'xvfb-run',
      ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${driverPort}`],
      { stdio: 'ignore', detached: true, env: { ...process.env, XDG_CONFIG_HOME: config } },
    );
    await waitFor(driverPort, true, 'WebKitWebDriver');
  }

  async stop() {
    stopGroup(this.child);
    this.child = undefined;
  }

  /** A new MiniBrowser window (its own, empty storage) showing 390 × 844 CSS pixels. */
  async phone(): Promise<WebDriverBrowser> {
    const { remote } = await import('webdriverio');
    const browser = await remote({
      hostname: '127.0.0.1',
      port: driverPort,
      logLevel: 'warn',
      capabilities: {
        // WebKitWebDriver speaks classic WebDriver, not BiDi.
        'wdio:enforceWebDriverClassic': true,
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
      } as WebdriverIO.Capabilities,
    });
    await browser.setWindowRect(0, 0, PHONE.width, PHONE.height);
    await browser.url('about:blank');
    const inner = await browser.execute(() => window.innerHeight);
    await browser.setWindowRect(0, 0, PHONE.width, PHONE.height + (PHONE.height - inner));
    return browser;
  }
}

/** The element with this `data-testid`. */
export function byTestId(browser: WebDriverBrowser, id: string) {
  return browser.$(`[data-testid="${id}"]`);
}

/** Waits until the element's text contains `text`. */
export async function waitForText(browser: WebDriverBrowser, id: string, text: string, timeout = 15_000) {
  await browser.waitUntil(
    async () => {
      const element = byTestId(browser, id);
      return (await element.isExisting()) && (await element.getText()).includes(text);
    },
    { timeout, timeoutMsg: `"${text}" did not appear in [data-testid="${id}"]` },
  );
}

/** Waits until so many elements carry this `data-testid`. */
export async function waitForCount(browser: WebDriverBrowser, id: string, count: number, timeout = 15_000) {
  await browser.waitUntil(async () => (await browser.$$(`[data-testid="${id}"]`).length) === count, {
    timeout,
    timeoutMsg: `expected ${count} of [data-testid="${id}"]`,
  });
}

/** Fills a field as typing would (the app reads the input events). */
export async function fill(browser: WebDriverBrowser, id: string, value: string) {
  const element = byTestId(browser, id);
  await element.waitForExist({ timeout: 15_000 });
  await element.setValue(value);
}

/** Clicks the element with this `data-testid` once it is there. */
export async function click(browser: WebDriverBrowser, id: string) {
  const element = byTestId(browser, id);
  await element.waitForClickable({ timeout: 15_000 });
  await element.click();
}
