// A participant's phone gets a small app of its own: the relay sends it for
// a personal link and for the privacy notice. Once opened, it starts again
// without a network, and the coordinators' large app is never downloaded
// for it; when the same browser opens the coordinators' app, that is kept
// for offline starts from then on.
import { expect, test, type Page } from './fixtures/test';
import { personalLink } from './pages/personal-link';

/** Every address the service worker keeps, in all its caches. */
async function kept(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      paths.push(...(await cache.keys()).map((request) => new URL(request.url).pathname));
    }
    return paths;
  });
}

/** The WebAssembly files the page loaded. */
async function loadedWasm(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.wasm')),
  );
}

test('a personal link opens the participant app, which starts again offline without the coordinators app', async ({
  browser,
  browserName,
}) => {
  test.setTimeout(120_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const link = await personalLink(office);
  const phone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const m = await phone.newPage();

  await m.goto(link);
  await expect(m.getByTestId('page-title')).toHaveText('Ihre Tandem-Seite');
  await expect(m.getByTestId('page-member')).toHaveCount(2);
  const wasm = await loadedWasm(m);
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((path) => !path.startsWith('/participant/'))).toEqual([]);

  await m.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
  const onThePhone = await kept(m);
  expect(onThePhone).toContain('/tandem');
  expect(onThePhone.some((path) => path.startsWith('/participant/') && path.endsWith('.wasm'))).toBe(true);
  expect(onThePhone.filter((path) => path.endsWith('.wasm') && !path.startsWith('/participant/'))).toEqual([]);

  // Without a network: the page opens from the worker's cache and storage,
  // and so does the privacy notice it links to.
  await phone.setOffline(true);
  const again = await m.reload();
  // Playwright hears whether a response came from the service worker only
  // from Chromium (over WebDriver BiDi it always says no); the page's own
  // controller says so in both.
  if (browserName === 'chromium') expect(again?.fromServiceWorker()).toBe(true);
  expect(await m.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  await expect(m.getByTestId('page-title')).toHaveText('Ihre Tandem-Seite');
  await expect(m.getByTestId('page-member')).toHaveCount(2);
  await m.goto('/datenschutz');
  await expect(m.getByTestId('privacy-page')).toBeVisible();

  // The coordinators' app, opened once online in the same browser, is kept
  // as well and starts offline next time.
  await phone.setOffline(false);
  await m.goto('/');
  await expect(m.getByTestId('programme-count')).toBeVisible();
  await m.waitForFunction(() => caches.match('/').then((response) => response !== undefined), undefined, {
    timeout: 30_000,
  });
  await phone.setOffline(true);
  const coordinators = await m.reload();
  if (browserName === 'chromium') expect(coordinators?.fromServiceWorker()).toBe(true);
  expect(await m.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  await expect(m.getByTestId('programme-count')).toBeVisible();
  await phone.close();
  await office.close();
});
