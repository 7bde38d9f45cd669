// A participant opening her personal tandem link on a phone, on a weak
// network: the participant's app (what the relay sends for /tandem) beside
// the whole app opening the same kind of link (the baseline: a relay that
// serves the same build without dist/participant), measured in the same
// run, rounds taking the two in turn.
//
// Chromium is throttled through the DevTools protocol as its "Slow 4G"
// preset (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip) and with a CPU
// four times slower. Each round opens the link in a fresh browser context
// (cold: empty HTTP cache, no service worker, the page fetched from the
// relay), then, once the service worker looks after the page, opens it again
// (warm: the app from the worker's cache, the page from IndexedDB).
// Interactive: on the page's clock from the start of the navigation, when
// the tandem page's title is on screen and the page is free again (the next
// frame and task). Transfer: bytes received over the network, as Chromium
// counts them (compressed, with headers).
//
// Started by scripts/bench-phone.sh (BENCH_RUNS, default 5).
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { personalLink } from '../e2e/pages/personal-link';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const apps = [
  { name: "participant's app", base: process.env.TANDEM_BENCH_PARTICIPANT ?? '' },
  { name: 'whole app (baseline)', base: process.env.TANDEM_BENCH_WHOLE ?? '' },
];
const phone = { viewport: { width: 390, height: 844 }, locale: 'de-DE', isMobile: true, hasTouch: true };

/** Throttles `page` as a phone on Slow 4G and counts what it receives. */
async function throttled(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const received = { bytes: 0 };
  cdp.on('Network.loadingFinished', (event) => {
    received.bytes += event.encodedDataLength;
  });
  return received;
}

/** Marks, on the page's clock, when the tandem page is interactive. */
async function watchInteractive(context: BrowserContext) {
  await context.addInitScript(() => {
    const seen = () => {
      if (!document.querySelector('[data-testid="page-title"]')) return false;
      requestAnimationFrame(() =>
        setTimeout(() => {
          (window as unknown as { tandemInteractive: number }).tandemInteractive = performance.now();
        }, 0),
      );
      return true;
    };
    new MutationObserver((_, observer) => {
      if (seen()) observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
}

async function interactive(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { tandemInteractive?: number }).tandemInteractive,
    undefined,
    { timeout: 120_000, polling: 50 },
  );
  return Number(await handle.jsonValue());
}

function summary(values: number[], unit: string, digits = 0) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const f = (value: number) => value.toFixed(digits);
  return `${f(median)} ${unit} median (${f(sorted[0])}–${f(sorted[sorted.length - 1])})`;
}

test('the participant app beside the whole app, opening a tandem link on a throttled phone', async ({ browser }) => {
  for (const app of apps) {
    expect(app.base, 'scripts/bench-phone.sh passes both relays').not.toBe('');
    const office = await browser.newContext({ baseURL: app.base, locale: 'de-DE' });
    Object.assign(app, { link: await personalLink(office) });
    await office.close();
  }
  const figures = new Map<string, { cold: number[]; warm: number[]; transfer: number[] }>();
  for (const app of apps) figures.set(app.name, { cold: [], warm: [], transfer: [] });

  for (let round = 1; round <= runs; round++) {
    for (const app of apps as Array<(typeof apps)[number] & { link: string }>) {
      const context = await browser.newContext({ ...phone, baseURL: app.base });
      await watchInteractive(context);
      const page = await context.newPage();
      const received = await throttled(page);
      await page.goto(app.link, { waitUntil: 'commit' });
      const cold = await interactive(page);
      await expect(page.getByTestId('page-member')).toHaveCount(2);
      const transfer = received.bytes;
      // The worker has kept the app: the next start comes from its cache.
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 120_000 });
      await page.reload({ waitUntil: 'commit' });
      const warm = await interactive(page);
      await context.close();
      const entry = figures.get(app.name)!;
      entry.cold.push(cold);
      entry.warm.push(warm);
      entry.transfer.push(transfer / 1024);
      console.log(`round ${round}, ${app.name}: cold ${cold.toFixed(0)} ms (${(transfer / 1024).toFixed(0)} KB), from the worker's cache ${warm.toFixed(0)} ms`);
    }
  }
  console.log(`\nOpening /tandem#… on a phone (Slow 4G, CPU 4×), ${runs} rounds:`);
  for (const [name, entry] of figures) {
    console.log(`  ${name}`);
    console.log(`    cold, interactive:                 ${summary(entry.cold, 'ms')}`);
    console.log(`    cold, transferred:                 ${summary(entry.transfer, 'KB')}`);
    console.log(`    from the worker's cache, interactive: ${summary(entry.warm, 'ms')}`);
  }
});
