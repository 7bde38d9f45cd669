// What an invite link leaves behind, and what it may touch. The room key
// after the `#` leaves the address bar and the history as soon as it is
// read, is kept only sealed, and the join page still works after a reload;
// a link never touches a programme shared from here already, and merges a
// copy that came by a partner's file, keeping what was made in it. Where
// the browser
// cannot seal records, Tandem stores nothing until the coordinator, told
// what it means, chooses to store unprotected.
import { expect, test, type Page } from './fixtures/test';
import { audit, isSerious } from './fixtures/axe';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ExchangePage } from './pages/exchange-page';
import { duesseldorfKoeln } from './fixtures/programmes';
import { approve, askToJoin, invite, shareLive } from './fixtures/access';

const programme = duesseldorfKoeln;
const shots = process.env.TANDEM_SCREENSHOTS;

/** Where the page keeps text a person could read: the address, local and
 * session storage, and every IndexedDB record not sealed ("TSL1…"). */
async function keptInPlain(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const plain: string[] = [location.href, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
    const decoder = new TextDecoder();
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open(info.name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const values: unknown[] = await new Promise((resolve, reject) => {
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const value of values) {
          const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));
          if (decoder.decode(bytes.slice(0, 4)) !== 'TSL1') plain.push(decoder.decode(bytes));
        }
      }
      db.close();
    }
    return plain.join('\n');
  });
}

async function expectPeople(page: Page, names: string[]) {
  for (const name of names) await new ProgrammePage(page).expectPerson(name);
}

/** On a laptop and on a phone: no axe findings, and a picture if asked for. */
async function lookAt(page: Page, name: string) {
  for (const [width, height] of [[1366, 768], [390, 844]]) {
    await page.setViewportSize({ width, height });
    const serious = (await audit(page)).filter(isSerious).map((finding) => finding.id);
    expect(serious, `${name} at ${width} px`).toEqual([]);
    if (shots) await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
}

test('an invite link leaves the address at once, joins after a reload, and never touches a programme shared from here', async ({ browser }) => {
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);
  await shareLive(a);
  const link = await invite(a);
  const key = new URL(link).hash.match(/secret=([^&]+)/)![1];
  const karla = { name: 'Karla Köln', organisation: 'Stadt Köln' };

  // Köln opens the link: its secret is gone from the address bar at once.
  await b.goto(link);
  await expect(b.getByTestId('join-link-submit')).toBeEnabled();
  await expect(b).toHaveURL(/\/join$/);
  expect(await b.evaluate(() => location.hash)).toBe('');

  // A reload still joins: the invitation was kept, sealed.
  await b.reload();
  await expect(b.getByTestId('join-link-submit')).toBeEnabled();
  await b.getByTestId('join-link-author').fill(karla.name);
  await b.getByTestId('join-link-organisation').fill(karla.organisation);
  await b.getByTestId('join-link-submit').click();
  await expect(b.getByTestId('join-asking')).toContainText('Warten auf Freigabe');
  const fingerprint = (await b.getByTestId('join-fingerprint').textContent()) ?? '';
  await approve(a, karla, fingerprint);
  await expect(b.getByTestId('programme-title')).toHaveText(programme.name);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');

  // No entry of the history holds the key, and nothing stores it in plain.
  await b.goBack();
  await expect(b).toHaveURL(/\/join$/);
  expect(await keptInPlain(b), 'the room key in plain in Köln').not.toContain(key);
  expect(await keptInPlain(a), 'the room key in plain in Düsseldorf').not.toContain(key);

  // The same link again introduces nobody: it is used.
  await b.goto(link);
  await b.getByTestId('join-link-submit').click();
  await expect(b.getByTestId('join-link-error')).toContainText('Die Einladung ist schon benutzt');

  // A new invitation for a browser that shares the programme already:
  // even approved, nothing is stored, and the way to it is offered.
  const second = await invite(a);
  await approve(a, karla, await askToJoin(b, second, karla));
  await expect(b.getByTestId('join-link-refused')).toContainText('schon geteilt');
  await expect(b).toHaveURL(/\/join$/);
  await lookAt(b, 'join-already-here');
  await b.getByTestId('join-link-open-here').click();
  await expect(b.getByTestId('programme-title')).toHaveText(programme.name);
  await b.goto('/');
  await expect(new ProgrammesPage(b).cards()).toHaveCount(1);

  // Köln still syncs with Düsseldorf.
  await b.getByTestId('programme-card').getByRole('link').first().click();
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await duesseldorf.close();
  await koeln.close();
});

test('a copy that came by a partner\'s file joins the shared programme by link and keeps what was made in it', async ({ browser }) => {
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);

  // Köln got the programme by file and worked on its copy.
  const exchange = new ExchangePage(a);
  await exchange.open();
  const file = await exchange.export('export-invite', 'Stadt Köln');
  await new ProgrammesPage(b).open();
  await b.getByTestId('join-author').fill('Karla Köln');
  await b.getByTestId('join-file').setInputFiles(file);
  await expect(b.getByTestId('join-done')).toContainText(programme.name);
  await new ProgrammePage(b).openFromList(programme.name);
  await new ProgrammePage(b).addPerson('Olga Offline');

  // Düsseldorf shares the programme live, and goes on working in it.
  await shareLive(a);
  await new ProgrammePage(a).addPerson('Rita Raum');

  // Köln joins by link, approved: its copy takes in the room's programme,
  // and what Köln made goes to Düsseldorf.
  const karla = { name: 'Karla Köln', organisation: 'Stadt Köln' };
  await a.getByTestId('nav-exchange').click();
  await approve(a, karla, await askToJoin(b, await invite(a), karla));
  await expect(b.getByTestId('programme-title')).toHaveText(programme.name);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await expectPeople(b, ['Olga Offline', 'Rita Raum']);
  await expectPeople(a, ['Olga Offline', 'Rita Raum']);
  await b.goto('/');
  await expect(new ProgrammesPage(b).cards()).toHaveCount(1);

  // From then on, edits flow both ways.
  await new ProgrammePage(b).openFromList(programme.name);
  await new ProgrammePage(b).addPerson('Lea Live');
  await expectPeople(a, ['Lea Live']);
  await duesseldorf.close();
  await koeln.close();
});

test('where records cannot be sealed, Tandem stores nothing until the coordinator chooses to store unprotected', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE' });
  // A browser without the origin private file system (as WebKitGTK is).
  await context.addInitScript(() => {
    delete (StorageManager.prototype as unknown as { getDirectory?: unknown }).getDirectory;
  });
  const page = await context.newPage();
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await expect(page.getByTestId('at-rest-notice')).toContainText('nicht geschützt werden');
  await expect(page.getByTestId('at-rest-notice')).toContainText('speichert deshalb vorerst nichts');
  await lookAt(page, 'at-rest-question');

  // Without an answer nothing lands in the browser's storage.
  await programmes.create(programme);
  await expect(programmes.error()).toContainText('nicht geschützt speichern');
  expect(await keptInPlain(page)).not.toContain(programme.name);
  await page.getByTestId('at-rest-memory-only').click();
  await expect(page.getByTestId('at-rest-notice')).toHaveCount(0);
  // Keeping things in the tab only decided nothing for the device.
  await page.reload();
  await expect(page.getByTestId('at-rest-notice')).toBeVisible();
  await expect(programmes.cards()).toHaveCount(0);

  // Chosen knowingly: stored, and kept over a reload.
  await page.getByTestId('at-rest-store-anyway').click();
  await expect(page.getByTestId('at-rest-notice')).toHaveCount(0);
  await programmes.create(programme);
  await expect(programmes.card(programme.name)).toHaveCount(1);
  await page.reload();
  await expect(programmes.card(programme.name)).toHaveCount(1);
  await expect(page.getByTestId('at-rest-notice')).toHaveCount(0);
  await context.close();
});
