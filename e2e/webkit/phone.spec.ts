// Tandem on a phone's engine: WebKit (Safari's), 390 × 844, driven over
// W3C WebDriver (see webkit.ts). A mentee opens her tandem link, sees her
// page, logs a meeting, reloads without a network and still sees it, and
// gets her page back from the relay after the browser's storage was
// cleared (as Safari does after seven days without a visit). A coordinator
// creates a programme, adds a person, reloads, and merges a partner's
// exchange file. The service worker starts the app without a network.
// An applicant fills in the application form behind a programme's link
// and the coordinator reads what she sent.
// The partner's side (the coordinator who sets up the tandem page, the
// partner who sends the file) runs in Chromium.
import { readFileSync } from 'node:fs';
import { chromium, expect, test, type Browser as PlaywrightBrowser } from '@playwright/test';
import type { Browser as WebDriverBrowser } from 'webdriverio';
import { ProgrammesPage } from '../pages/programmes-page';
import { ProgrammePage } from '../pages/programme-page';
import { ExchangePage } from '../pages/exchange-page';
import { windows1252Csv } from '../fixtures/people';
import { duesseldorfKoeln } from '../fixtures/programmes';
import { byTestId, click, fill, PHONE, Relay, waitForCount, waitForText, WebKitDriver } from './webkit';

const programme = duesseldorfKoeln;
const relay = new Relay(Number(process.env.TANDEM_E2E_PORT ?? 4173) + 1);
const driver = new WebKitDriver();
let office: PlaywrightBrowser;
let phone: WebDriverBrowser | undefined;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await relay.start();
  await driver.start();
  office = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

test.afterEach(async () => {
  await phone?.deleteSession().catch(() => undefined);
  phone = undefined;
});

test.afterAll(async () => {
  await office?.close();
  await driver.stop();
  await relay.stop().catch(() => undefined);
});

/** Sets a field's value as a person choosing it would (dates included). */
async function choose(browser: WebDriverBrowser, id: string, value: string) {
  await byTestId(browser, id).waitForExist({ timeout: 15_000 });
  await browser.execute(
    (testId: string, text: string) => {
      const field = document.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
      field.value = text;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    },
    id,
    value,
  );
}

/** Waits until the service worker looks after the page. */
async function serviceWorkerInCharge(browser: WebDriverBrowser) {
  await browser.waitUntil(() => browser.execute(() => navigator.serviceWorker?.controller != null), {
    timeout: 30_000,
    timeoutMsg: 'no service worker looks after the page',
  });
}

test('a mentee on her phone logs a meeting, sees it offline, and gets her page back after Safari cleared it', async () => {
  test.setTimeout(180_000);
  // The coordinator sets up Aylin's tandem page in Chromium.
  const context = await office.newContext({ locale: 'de-DE', baseURL: relay.url });
  const a = await context.newPage();
  const workspace = new ProgrammePage(a);
  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await a.getByTestId('import-submit').click();
  await expect(a.getByTestId('import-done')).toBeVisible();
  for (const name of ['Aylin Korkmaz', 'Nora Xanthopoulos']) {
    await workspace.openPerson(name);
    await workspace.accept();
  }
  await workspace.tab('nav-tandems');
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(a.getByTestId('tandem-row')).toHaveCount(1);
  await a.getByTestId('tandem-row').getByRole('link').first().click();
  await a.getByTestId('page-set-up').click();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  const link = await a.getByTestId('page-personal-link').filter({ hasText: 'Link für Aylin Korkmaz' }).getByTestId('page-personal-link-url').inputValue();

  // Aylin opens her link in WebKit at phone size.
  phone = await driver.phone();
  expect(await phone.execute(() => [window.innerWidth, window.innerHeight])).toEqual([PHONE.width, PHONE.height]);
  await phone.url(link);
  // WebKitGTK gives no private file system for the record key: Tandem
  // stores nothing until Aylin, told what it means, chooses to store
  // unprotected; then her page is fetched and stored.
  await waitForText(phone, 'at-rest-notice', 'nicht geschützt');
  await click(phone, 'at-rest-store-anyway');
  await waitForText(phone, 'page-title', 'Ihre Tandem-Seite');
  await waitForCount(phone, 'page-member', 2);
  await waitForText(phone, 'page-members', 'Nora Xanthopoulos');
  // The key left the address as soon as it was read.
  expect(await phone.execute(() => location.hash)).toBe('');
  // Safari deletes unvisited storage after seven days: said once, politely.
  await waitForText(phone, 'eviction-notice', 'Home-Bildschirm');
  await click(phone, 'eviction-notice-read');
  expect(await byTestId(phone, 'eviction-notice').isExisting()).toBe(false);

  await byTestId(phone, 'page-me').selectByVisibleText('Aylin Korkmaz');
  await fill(phone, 'page-meeting-topics', 'Bewerbung auf die Sachgebietsleitung besprochen');
  await click(phone, 'page-meeting-submit');
  await waitForCount(phone, 'page-meeting', 1);
  await waitForText(phone, 'page-sync-status', 'Abgeglichen');
  await serviceWorkerInCharge(phone);

  // Without a network the page still opens, from the phone's storage.
  await relay.stop();
  await phone.refresh();
  await waitForCount(phone, 'page-meeting', 1);
  await waitForText(phone, 'page-meeting', 'Sachgebietsleitung');
  expect(await byTestId(phone, 'eviction-notice').isExisting(), 'the notice is shown once').toBe(false);
  await relay.start();
  await waitForText(phone, 'page-sync-status', 'Abgeglichen', 30_000);

  // The coordinator sees the meeting.
  await a.reload();
  await expect(a.getByTestId('page-meeting')).toContainText('Sachgebietsleitung', { timeout: 30_000 });

  // Safari cleared the site's storage: the link (from her e-mail, no
  // longer in the address) brings the page back.
  await phone.execute(() => {
    localStorage.clear();
    indexedDB.deleteDatabase('tandem');
  });
  await phone.refresh();
  // Her choice to store unprotected went with the storage: asked again.
  await waitForText(phone, 'at-rest-notice', 'nicht geschützt', 30_000);
  await click(phone, 'at-rest-store-anyway');
  await phone.url(link);
  await waitForText(phone, 'page-title', 'Ihre Tandem-Seite', 30_000);
  await waitForCount(phone, 'page-meeting', 1);
  await waitForText(phone, 'page-meeting', 'Sachgebietsleitung');
  await context.close();
});

test('a coordinator on a phone creates a programme, adds a person, reloads and merges a partner\'s file', async () => {
  test.setTimeout(180_000);
  phone = await driver.phone();
  await phone.url(relay.url);
  await waitForText(phone, 'programme-count', '');
  await click(phone, 'at-rest-store-anyway');
  await fill(phone, 'author-name', 'Petra Probe');
  await fill(phone, 'programme-name', programme.name);
  await choose(phone, 'programme-start', programme.start);
  await choose(phone, 'programme-end', programme.end);
  await fill(phone, 'partner-0', programme.partners[0]);
  if (!(await byTestId(phone, 'partner-1').isExisting())) await click(phone, 'add-partner');
  await fill(phone, 'partner-1', programme.partners[1]);
  await click(phone, 'create-programme');
  await waitForText(phone, 'programme-card', programme.name);
  await byTestId(phone, 'programme-card').$('a').click();
  await waitForText(phone, 'programme-title', programme.name);
  await click(phone, 'nav-people');
  await click(phone, 'new-person');
  await fill(phone, 'person-name', 'Hanna Handy');
  await click(phone, 'person-submit');
  await waitForText(phone, 'person-heading', 'Hanna Handy');

  // After a reload the programme and the person are still there.
  await phone.refresh();
  await waitForText(phone, 'person-heading', 'Hanna Handy', 30_000);

  // The invitation for Köln, as the browser would save it.
  await click(phone, 'nav-exchange');
  await byTestId(phone, 'exchange-partner').selectByVisibleText('Stadt Köln');
  await phone.execute(() => {
    const kept: Blob[] = [];
    (window as unknown as { tandemSaved: Blob[] }).tandemSaved = kept;
    const original = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) kept.push(blob);
      return original(blob);
    };
  });
  await click(phone, 'export-invite');
  const invitation = await phone.executeAsync((done: (base64: string) => void) => {
    const kept = (window as unknown as { tandemSaved: Blob[] }).tandemSaved;
    const reader = new FileReader();
    reader.onload = () => done(String(reader.result).split(',')[1] ?? '');
    reader.readAsDataURL(kept[kept.length - 1]);
  });
  expect(invitation.length).toBeGreaterThan(0);

  // Köln joins in Chromium, adds a person and sends her changes back.
  const context = await office.newContext({ locale: 'de-DE', baseURL: relay.url, acceptDownloads: true });
  const b = await context.newPage();
  await new ProgrammesPage(b).open();
  await b.getByTestId('join-author').fill('Karla Köln');
  await b.getByTestId('join-file').setInputFiles({
    name: 'einladung.tandem',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(invitation, 'base64'),
  });
  await expect(b.getByTestId('join-done')).toContainText(programme.name);
  await new ProgrammePage(b).openFromList(programme.name);
  await b.getByTestId('nav-people').click();
  await b.getByTestId('new-person').click();
  await b.getByTestId('person-name').fill('Kim Kölsch');
  await b.getByTestId('person-submit').click();
  await expect(b.getByTestId('person-heading')).toHaveText('Kim Kölsch');
  const exchange = new ExchangePage(b);
  await exchange.open();
  const changes = readFileSync(await exchange.export('export-changes', 'Landeshauptstadt Düsseldorf'));
  await context.close();

  // The phone merges Köln's file: Kim is there.
  await phone.execute(
    (base64: string) => {
      const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'koeln.tandem', { type: 'application/octet-stream' }));
      const input = document.querySelector('[data-testid="exchange-file"]') as HTMLInputElement;
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    changes.toString('base64'),
  );
  await byTestId(phone, 'merge-preview').waitForExist({ timeout: 15_000 });
  await click(phone, 'merge-confirm');
  await byTestId(phone, 'exchange-done').waitForExist({ timeout: 15_000 });
  await click(phone, 'nav-people');
  await waitForText(phone, 'people-count', '2 von 2 Personen');
});

test('the service worker starts the app on a phone without a network', async () => {
  test.setTimeout(120_000);
  phone = await driver.phone();
  await phone.url(relay.url);
  await byTestId(phone, 'programme-count').waitForExist({ timeout: 30_000 });
  await serviceWorkerInCharge(phone);
  await relay.stop();
  try {
    await phone.refresh();
    await byTestId(phone, 'programme-count').waitForExist({ timeout: 30_000 });
    await fill(phone, 'programme-name', 'Ohne Netz geöffnet');
    expect(await byTestId(phone, 'programme-name').getValue()).toBe('Ohne Netz geöffnet');
  } finally {
    await relay.start();
  }
});

test('an applicant applies by link on her phone and the coordinator reads it', async () => {
  test.setTimeout(180_000);
  const context = await office.newContext({ locale: 'de-DE', baseURL: relay.url });
  const a = await context.newPage();
  const workspace = new ProgrammePage(a);
  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create({ ...programme, name: 'Bewerbung am Telefon 2027' });
  await workspace.openFromList('Bewerbung am Telefon 2027');
  await workspace.tab('nav-settings');
  await a.getByTestId('intake-link-publish').click();
  await expect(a.getByTestId('intake-link-outcome-done')).toBeVisible();
  const link = await a.getByTestId('intake-link-url').inputValue();

  phone = await driver.phone();
  await phone.url(link);
  await click(phone, 'apply-role-mentee');
  await fill(phone, 'apply-name', 'Selin Yıldız');
  await fill(phone, 'apply-email', 'selin.yildiz@example.org');
  await click(phone, 'apply-consent-processing');
  await click(phone, 'apply-send');
  // Sealing and the proof of work run in WebAssembly on the phone.
  await waitForText(phone, 'apply-sent', 'angekommen', 60_000);
  const receipt = await byTestId(phone, 'apply-receipt').getText();
  expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  await workspace.tab('nav-people');
  const incoming = a.getByTestId('incoming');
  await incoming.getByTestId('incoming-refresh').click();
  const card = incoming.getByTestId('incoming-card').filter({ hasText: 'Selin Yıldız' });
  await expect(card).toContainText(receipt);
  await expect(card).toContainText('selin.yildiz@example.org');
  await context.close();
});
