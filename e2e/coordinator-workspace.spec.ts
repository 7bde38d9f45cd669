// A coordinator's day: import applicants, hold interviews, accept, form
// tandems by hand, end one early, export; after a reload all is still there.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { windows1252Csv } from './fixtures/people';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = duesseldorfKoeln;

test('import, interviews, tandems and export survive a reload', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(programme.name);

  // Import: every bad row is reported before anything is written.
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await expect(page.getByTestId('import-summary')).toHaveText(
    '17 bereit, 1 mit Fehlern, 0 schon im Programm, 2 nicht importierbar',
  );
  await expect(workspace.importRow(19)).toContainText('Name fehlt');
  await expect(workspace.importRow(20)).toContainText('Rolle „Praktikant“ unbekannt');
  await expect(workspace.importRow(21)).toContainText('„Stadt Bonn“ ist keine Partnerorganisation');
  await expect(workspace.importRow(6)).toContainText('Elif Özdemir');
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toHaveText('17 Personen importiert.');
  await expect(page.getByTestId('import-summary')).toHaveText(
    '0 bereit, 1 mit Fehlern, 17 schon im Programm, 2 nicht importierbar',
  );

  await workspace.tab('nav-people');
  await expect(page.getByTestId('people-count')).toHaveText('17 von 17 Personen');
  await page.getByTestId('filter-role').selectOption('mentor');
  await expect(page.getByTestId('people-count')).toHaveText('8 von 17 Personen');
  await page.getByTestId('filter-role').selectOption('');

  // Two interviews, then four people accepted.
  await workspace.openPerson('Aylin Korkmaz');
  await workspace.recordInterview('Petra Probe', 'Möchte eine Abteilung leiten.');
  await expect(page.getByTestId('person-stage')).toHaveText('Gespräch geführt');
  await workspace.accept();
  await workspace.openPerson('Frieda Pohl');
  await workspace.recordInterview('Petra Probe', 'Sucht Austausch zu Führung in Teilzeit.');
  await workspace.accept();
  await workspace.openPerson('Nora Xanthopoulos');
  await workspace.accept();
  await workspace.openPerson('Jutta Thiel');
  await workspace.accept();

  // Tandems across the two cities; a pair inside one city is refused.
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Jutta Thiel (Stadt Köln)');
  await expect(page.getByTestId('tandem-error')).toContainText('beide bei Stadt Köln');
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(page.getByTestId('tandem-done')).toBeVisible();
  await workspace.formTandem('Frieda Pohl (Landeshauptstadt Düsseldorf)', 'Jutta Thiel (Stadt Köln)');
  await expect(page.getByTestId('tandem-row')).toHaveCount(2);

  // End one early, with a reason.
  await page.getByTestId('tandem-row').filter({ hasText: 'Frieda Pohl' }).getByRole('link').click();
  await page.getByTestId('tandem-end-early').check();
  await page.getByTestId('tandem-end-reason').fill('Mentee hat die Stelle gewechselt');
  await page.getByTestId('tandem-end-submit').click();
  await expect(page.getByTestId('tandem-status')).toContainText('vorzeitig beendet');

  // Export for Excel.
  await workspace.tab('nav-people');
  const people = await workspace.download('export-people');
  expect(people.name).toMatch(/^personen-\d{4}-\d{2}-\d{2}\.csv$/);
  const peopleCsv = readFileSync(people.path);
  expect(peopleCsv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const peopleText = peopleCsv.toString('utf8');
  expect(peopleText).toContain('Name;Rolle;Anrede;Organisation');
  expect(peopleText).toContain('Aylin Korkmaz;Mentee;;Stadt Köln');
  expect(peopleText).toContain('Elif Özdemir');
  await workspace.tab('nav-tandems');
  const tandems = readFileSync((await workspace.download('export-tandems')).path).toString('utf8');
  expect(tandems).toContain('Frieda Pohl;Landeshauptstadt Düsseldorf;Jutta Thiel;Stadt Köln');
  expect(tandems).toContain('vorzeitig beendet');

  // Reload: everything is read back from IndexedDB.
  await page.reload();
  await expect(page.getByTestId('tandem-row')).toHaveCount(2);
  await expect(page.getByTestId('tandem-row').filter({ hasText: 'Frieda Pohl' })).toContainText('vorzeitig beendet');
  await expect(page.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' })).toContainText('läuft');
  await workspace.openPerson('Aylin Korkmaz');
  await expect(page.getByTestId('person-stage')).toHaveText('im Tandem');
  await expect(page.getByTestId('interview-info')).toContainText('von Petra Probe');
  await expect(page.getByTestId('history')).toContainText('Petra Probe: hat das Kennenlerngespräch festgehalten');
  await workspace.tab('nav-dashboard');
  const koeln = page.getByTestId('dashboard-counts').getByRole('row', { name: /Stadt Köln/ });
  await expect(koeln).toBeVisible();
  await expect(page.getByTestId('attention')).toContainText('Birte Lorenzen: Kennenlerngespräch noch nicht geführt');
});

test('the intake form records an application on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.tab('nav-people');
  await page.getByTestId('new-person').click();
  await page.getByTestId('person-name').fill('Wiebke Ahrens');
  await page.getByTestId('person-role').selectOption('mentee');
  await page.getByTestId('person-organisation').selectOption({ label: 'Stadt Köln' });
  await page.getByTestId('person-email').fill('wiebke.ahrens@example');
  await page.getByTestId('person-goal').fill('Eine Sachgebietsleitung übernehmen');
  await page.getByTestId('share-email').check();
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-error')).toHaveText('„wiebke.ahrens@example“ ist keine gültige E-Mail-Adresse.');
  // Corrected as a person would: the field emptied, the address typed
  // anew. (Playwright's `fill` cannot select the text of an e-mail field
  // in Firefox and would add to it.)
  await page.getByTestId('person-email').clear();
  await page.getByTestId('person-email').fill('wiebke.ahrens@example.org');
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-heading')).toHaveText('Wiebke Ahrens');
  await expect(page.getByTestId('person-stage')).toHaveText('beworben');
  await page.reload();
  await expect(page.getByTestId('person-goal')).toHaveValue('Eine Sachgebietsleitung übernehmen');
  await expect(page.getByTestId('share-email')).toBeChecked();
});

test('a long list of people is shown a hundred at a time', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  const rows = ['Name;Rolle;Organisation'];
  for (let i = 0; i < 130; i += 1) rows.push(`Person ${i};Mentee;Stadt Köln`);
  await workspace.importFile('liste.csv', Buffer.from(rows.join('\r\n'), 'utf8'));
  await page.getByTestId('import-submit').click();
  await workspace.tab('nav-people');
  await expect(page.getByTestId('person-row')).toHaveCount(100);
  await page.getByRole('button', { name: 'Nächste Seite' }).click();
  await expect(page.getByTestId('person-row')).toHaveCount(30);
  await expect(page.getByRole('button', { name: 'Nächste Seite' })).toBeDisabled();
  await page.getByRole('button', { name: 'Vorherige Seite' }).click();
  await expect(page.getByTestId('person-row')).toHaveCount(100);
});
