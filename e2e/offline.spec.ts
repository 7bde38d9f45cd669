// At a workshop without a network: once opened, Tandem starts from the
// service worker's cache, shows the programmes from IndexedDB and takes new
// applications; back online nothing is lost. A new version waits for the
// next start and says so, without disturbing the work in progress.
import { expect, test, type Page } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Baunatal–Kassel 2026',
  start: '2026-03-01',
  end: '2027-02-28',
  partners: ['Stadt Baunatal', 'Stadt Kassel'],
};

/** Waits until the service worker has cached the app and looks after the page. */
async function untilLookedAfterOffline(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
}

/** Whether the page reaches the server at all (bypassing every cache). */
async function reachesServer(page: Page) {
  return page.evaluate(() =>
    fetch('/health', { cache: 'no-store' }).then(
      () => true,
      () => false,
    ),
  );
}

test('once opened, Tandem starts, shows the programme and takes an application without a network', async ({
  page,
  context,
  browserName,
}) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await untilLookedAfterOffline(page);
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();

  await context.setOffline(true);
  expect(await reachesServer(page)).toBe(false);
  const start = await page.reload();
  // The reloaded page is the service worker's to serve. Playwright hears
  // whether a response came from it only from Chromium (over WebDriver
  // BiDi it always says no); the page's own controller says so in both.
  if (browserName === 'chromium') expect(start?.fromServiceWorker()).toBe(true);
  expect(await page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  await expect(programmes.card(programme.name)).toHaveCount(1);

  // A programme's own address opens offline too, and a new person is taken in.
  await workspace.openFromList(programme.name);
  await page.reload();
  await expect(page.getByTestId('programme-title')).toHaveText(programme.name);
  await workspace.tab('nav-people');
  await page.getByTestId('new-person').click();
  await page.getByTestId('person-name').fill('Mara Lindqvist');
  await page.getByTestId('person-role').selectOption('mentee');
  await page.getByTestId('person-organisation').selectOption({ label: 'Stadt Kassel' });
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-heading')).toHaveText('Mara Lindqvist');
  expect(await reachesServer(page)).toBe(false);

  // The edit survives another reload without network.
  await page.reload();
  await expect(page.getByTestId('person-heading')).toHaveText('Mara Lindqvist');

  // Back online: the programme and the new person are still there.
  await context.setOffline(false);
  expect(await reachesServer(page)).toBe(true);
  await page.goto('/');
  await workspace.openFromList(programme.name);
  await workspace.openPerson('Mara Lindqvist');
  await expect(page.getByTestId('person-stage')).toHaveText('beworben');
});

test('a new version waits for the next start and says so without disturbing the form being filled in', async ({
  page,
}) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await untilLookedAfterOffline(page);
  await expect(page.getByTestId('new-version')).toHaveCount(0);
  await page.getByTestId('programme-name').fill('Halb ausgefüllt');

  // The server publishes another build: its worker installs beside the running one.
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js?v=next-build'));
  await expect(page.getByTestId('new-version')).toHaveText(
    'Eine neue Version von Tandem ist bereit. Sie wird beim nächsten Öffnen verwendet.',
  );
  await expect(page.getByRole('status').filter({ has: page.getByTestId('new-version') })).toBeVisible();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null)).toBe(
    true,
  );
  await expect(page.getByTestId('programme-name')).toHaveValue('Halb ausgefüllt');

  await page.getByTestId('language-en').click();
  await expect(page.getByTestId('new-version')).toHaveText(
    'A new version of Tandem is ready. It will be used the next time you open Tandem.',
  );

  // A reload of the same tab keeps the running version: the notice stays.
  await page.reload();
  await expect(page.getByTestId('new-version')).toBeVisible();
});

test('the app can be installed: it links a manifest with a German name, the theme colour and an icon', async ({
  page,
  request,
}) => {
  await new ProgrammesPage(page).open();
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const manifest = await (await request.get(href ?? '')).json();
  expect(manifest.lang).toBe('de');
  expect(manifest.name).toContain('Tandem');
  expect(manifest.theme_color).toBe('#1f5f8b');
  expect(manifest.start_url).toBe('/');
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.ok()).toBe(true);
    expect(response.headers()['content-type']).toContain('image/svg+xml');
  }
});
