// When the browser's storage is full, the coordinator is told so in plain
// German, the edit stays in the window, and it is stored with the next
// change once there is room again: after a reload nothing is missing.
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = duesseldorfKoeln;

test('a full storage is a clear message and loses no edit', async ({ page }) => {
  // A browser whose quota runs out on demand: every IndexedDB write throws
  // the QuotaExceededError browsers throw when the disk is full.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    const add = IDBObjectStore.prototype.add;
    const full = () => (window as unknown as { storageFull?: boolean }).storageFull === true;
    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    IDBObjectStore.prototype.put = function (...args: Parameters<IDBObjectStore['put']>) {
      if (full()) throw quota();
      return put.apply(this, args);
    };
    IDBObjectStore.prototype.add = function (...args: Parameters<IDBObjectStore['add']>) {
      if (full()) throw quota();
      return add.apply(this, args);
    };
  });
  const setFull = (full: boolean) =>
    page.evaluate((value) => {
      (window as unknown as { storageFull?: boolean }).storageFull = value;
    }, full);

  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);

  const addPerson = async (name: string) => {
    await page.getByTestId('nav-people').click();
    await page.getByTestId('new-person').click();
    await page.getByTestId('person-name').fill(name);
    await page.getByTestId('person-submit').click();
    await expect(page.getByTestId('person-heading')).toHaveText(name);
  };

  await addPerson('Dana Düssel');
  await expect(page.getByTestId('unsaved')).toHaveCount(0);

  await setFull(true);
  await addPerson('Kim Kölsch');
  const banner = page.getByTestId('unsaved');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Der Speicher dieses Browsers ist voll');
  await expect(banner).toHaveAttribute('role', 'alert');

  // Room again: the next change stores everything, the one that failed too.
  await setFull(false);
  await addPerson('Lea Lahn');
  await expect(banner).toHaveCount(0);

  // The browser opens the programme again from what it stored.
  await page.reload();
  await expect(page.getByTestId('programme-title')).toHaveText(programme.name);
  await workspace.tab('nav-people');
  await expect(page.getByTestId('people-count')).toHaveText('3 von 3 Personen');
  for (const name of ['Dana Düssel', 'Kim Kölsch', 'Lea Lahn']) {
    await expect(page.getByText(name).first()).toBeVisible();
  }
});

test('a tab closed in the middle of writing loses at most what it was writing', async ({ context }) => {
  const page = await context.newPage();
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  const names = ['Ada Früh', 'Bea Früh', 'Cem Früh', 'Dora Spät', 'Emil Spät', 'Fritz Spät'];
  const addPerson = async (name: string) => {
    await page.getByTestId('nav-people').click();
    await page.getByTestId('new-person').click();
    await page.getByTestId('person-name').fill(name);
    await page.getByTestId('person-submit').click();
    await expect(page.getByTestId('person-heading')).toHaveText(name);
  };
  // The first three are long stored; the tab closes right after the last
  // three, with their writes possibly under way.
  for (const name of names.slice(0, 3)) await addPerson(name);
  await page.waitForTimeout(1000);
  for (const name of names.slice(3)) await addPerson(name);
  await page.close({ runBeforeUnload: false });

  const again = await context.newPage();
  await new ProgrammesPage(again).open();
  await new ProgrammePage(again).openFromList(programme.name);
  await again.getByTestId('nav-people').click();
  await expect(again.getByTestId('people-count')).toBeVisible();
  const present: boolean[] = [];
  for (const name of names) {
    present.push((await again.getByText(name, { exact: true }).count()) > 0);
  }
  // What was stored long before is there, and nothing is missing in the
  // middle: the programme is what it was after some edit, not a mix.
  expect(present.slice(0, 3)).toEqual([true, true, true]);
  const kept = present.lastIndexOf(true) + 1;
  expect(present.slice(0, kept).every(Boolean)).toBe(true);
});

test('two tabs editing the same person lose neither edit', async ({ context }) => {
  const first = await context.newPage();
  const programmes = new ProgrammesPage(first);
  const workspace = new ProgrammePage(first);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await first.getByTestId('nav-people').click();
  await first.getByTestId('new-person').click();
  await first.getByTestId('person-name').fill('Aylin Korkmaz');
  await first.getByTestId('person-submit').click();
  await expect(first.getByTestId('person-heading')).toHaveText('Aylin Korkmaz');
  await workspace.openPerson('Aylin Korkmaz');

  // Both tabs show the person's form, filled with the same values.
  const second = await context.newPage();
  await second.goto(first.url());
  await expect(second.getByTestId('person-heading')).toHaveText('Aylin Korkmaz');

  await first.getByTestId('person-phone').fill('0221 100001');
  await first.getByTestId('person-submit').click();
  await expect(first.getByTestId('person-done')).toBeVisible();
  // The second tab's form was filled before the phone number was saved.
  await second.getByTestId('person-email').fill('aylin.korkmaz@example.org');
  await second.getByTestId('person-submit').click();
  await expect(second.getByTestId('person-done')).toBeVisible();

  await first.reload();
  await expect(first.getByTestId('person-phone')).toHaveValue('0221 100001');
  await expect(first.getByTestId('person-email')).toHaveValue('aylin.korkmaz@example.org');
});

test('storage blocked by another tab, or refused, is a clear message, and what was stored waits', async ({ context }) => {
  const first = await context.newPage();
  const programmes = new ProgrammesPage(first);
  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.card(programme.name)).toHaveCount(1);
  await first.close();

  // An opening that another tab blocks (an older version still open there).
  const blocked = await context.newPage();
  await blocked.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      const request: Record<string, unknown> = {};
      setTimeout(() => (request.onblocked as ((event: Event) => void) | undefined)?.(new Event('blocked')), 10);
      return request as unknown as IDBOpenDBRequest;
    };
  });
  await blocked.goto('/');
  await expect(blocked.getByRole('alert')).toContainText('in einem anderen Tab oder Fenster noch in einer älteren Version geöffnet');
  await blocked.close();

  // A browser that refuses storage altogether (e.g. by policy).
  const refused = await context.newPage();
  await refused.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('IndexedDB is disabled.', 'InvalidStateError');
    };
  });
  await refused.goto('/');
  await expect(refused.getByRole('alert')).toContainText('Dieser Browser erlaubt Tandem nicht, Daten zu speichern');
  await refused.close();

  // Once the other tab is gone, the programme is there as it was stored.
  const again = await context.newPage();
  await new ProgrammesPage(again).open();
  await expect(new ProgrammesPage(again).card(programme.name)).toHaveCount(1);
});
