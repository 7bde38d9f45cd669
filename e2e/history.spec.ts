// The history names every change; an edit can be taken back, and the
// programme can be seen as it was.
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';

test('a coordinator looks back and takes an edit back', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create({
    author: 'Petra Probe',
    name: 'Politisches Mentoring 2026',
    start: '2026-03-01',
    end: '2027-02-28',
    partners: ['Kreisverband Nord', 'Kreisverband Süd'],
  });
  await workspace.openFromList('Politisches Mentoring 2026');
  await workspace.tab('nav-people');
  await page.getByTestId('new-person').click();
  await page.getByTestId('person-name').fill('Wiebke Ahrens');
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-heading')).toHaveText('Wiebke Ahrens');
  await page.getByTestId('person-position').fill('Ortsvorsitzende');
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-done')).toBeVisible();

  await workspace.tab('nav-history');
  await page.getByTestId('history-filter').selectOption({ label: 'Wiebke Ahrens' });
  const entries = page.getByTestId('history-entry');
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText('Petra Probe: hat Angaben geändert · Wiebke Ahrens');
  await entries.first().getByTestId('history-undo').click();
  await expect(page.getByTestId('history-done')).toBeVisible();

  await page.getByTestId('history-filter').selectOption('');
  await page.getByTestId('history-entry').last().getByTestId('history-look').click();
  await expect(page.getByTestId('past-programme')).toContainText('0 Personen, 0 Tandems');

  await workspace.openPerson('Wiebke Ahrens');
  await expect(page.getByTestId('person-position')).toHaveValue('');
  await page.reload();
  await expect(page.getByTestId('person-position')).toHaveValue('');
});
