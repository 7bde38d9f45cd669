// A coordinator creates a programme; it is still there after a reload.
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { duesseldorfKoeln } from './fixtures/programmes';

test('a created programme is still there after a reload', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Programme');
  await expect(programmes.cards()).toHaveCount(0);

  await programmes.create(duesseldorfKoeln);
  await expect(programmes.success()).toContainText('wurde angelegt');
  await expect(programmes.card(duesseldorfKoeln.name)).toHaveCount(1);

  await page.reload();
  await expect(programmes.card(duesseldorfKoeln.name)).toHaveCount(1);
  const card = programmes.card(duesseldorfKoeln.name);
  await expect(card).toContainText('01.02.2026 bis 30.04.2027');
  await expect(card).toContainText('Landeshauptstadt Düsseldorf · Stadt Köln');

  await card.getByRole('link').click();
  await expect(page.getByTestId('programme-title')).toHaveText(duesseldorfKoeln.name);
  await expect(page.getByTestId('programme-period')).toContainText('Landeshauptstadt Düsseldorf, Stadt Köln');
  await expect(page.getByTestId('history')).toContainText('Petra Probe: hat das Programm angelegt');

  // The programme's own address opens after a reload too, from what the
  // page read while the app was still loading (index.html).
  await page.reload();
  await expect(page.getByTestId('programme-title')).toHaveText(duesseldorfKoeln.name);
  await expect(page.getByTestId('history')).toContainText('Petra Probe: hat das Programm angelegt');
  expect(await page.evaluate(() => performance.getEntriesByName('tandem-read-early').length)).toBe(1);
});

test('a programme that ends before it starts is refused in plain German and nothing is stored', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await programmes.create({ ...duesseldorfKoeln, start: '2026-05-01', end: '2026-04-01' });
  await expect(programmes.error()).toHaveText('Das Ende liegt vor dem Beginn. Bitte prüfen Sie die Daten.');
  await page.reload();
  await expect(page.getByTestId('programme-count')).toHaveText('0 Programme');
});

test('the coordinator can switch to English and the choice is remembered', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByTestId('language-en').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Programmes');
  await expect(page.getByTestId('language-en')).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Create a programme' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a programme can be renamed, archived and deleted after a confirmation', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await programmes.create(duesseldorfKoeln);
  await programmes.card(duesseldorfKoeln.name).getByRole('link').click();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('programme-rename').fill('Cross-Mentoring Düsseldorf–Köln, 2. Durchlauf');
  await page.getByTestId('programme-rename-save').click();
  await expect(page.getByTestId('programme-title')).toHaveText('Cross-Mentoring Düsseldorf–Köln, 2. Durchlauf');
  await page.getByTestId('programme-archive').click();
  await expect(page.getByTestId('admin-done')).toBeVisible();

  await programmes.open();
  await expect(page.getByTestId('programme-list')).toHaveCount(0);
  const archived = page.getByTestId('archived-programmes');
  await expect(archived).toContainText('2. Durchlauf');

  await archived.getByRole('link').click();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('programme-delete').click();
  await expect(page.getByRole('alertdialog')).toContainText('Wirklich löschen?');
  await page.getByTestId('programme-delete-yes').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Programme');
  await page.reload();
  await expect(page.getByTestId('programme-count')).toHaveText('0 Programme');
  await expect(page.getByTestId('archived-programmes')).toHaveCount(0);
});
