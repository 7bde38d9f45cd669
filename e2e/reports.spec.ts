// The report a coordinator takes to the council committee: six mentees of
// the Kassel region aimed for a leadership post and three reached one, so
// the report says "3 von 6 · 50 %"; for the city alone it says 3 of 4,
// for the district 0 of 2; beside the first run (1 of 3) stored in the
// same browser. The figure is in the CSV download, and the report prints
// on A4 with a title line, charts and tables.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { expect, allowFor, test } from './fixtures/test';
import { pdfPages } from './fixtures/pdf';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ReportPage } from './pages/report-page';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Kassel 2026',
  start: '2026-01-15',
  end: '2027-01-31',
  partners: ['Stadt Kassel', 'Landkreis Kassel'],
};

// Invented participants, accepted in the spreadsheet already.
const people = [
  'Vorname;Nachname;Rolle;Organisation;E-Mail;Stand',
  'Anja;Amsel;Mentee;Stadt Kassel;anja.amsel@example.org;angenommen',
  'Berit;Buche;Mentee;Stadt Kassel;berit.buche@example.org;angenommen',
  'Cora;Clausen;Mentee;Stadt Kassel;cora.clausen@example.org;angenommen',
  'Dunja;Dach;Mentee;Stadt Kassel;dunja.dach@example.org;angenommen',
  'Emma;Eibe;Mentee;Landkreis Kassel;emma.eibe@example.org;angenommen',
  'Fenja;Fink;Mentee;Landkreis Kassel;fenja.fink@example.org;angenommen',
  'Gesa;Gans;Mentorin;Landkreis Kassel;gesa.gans@example.org;angenommen',
  'Heike;Hase;Mentorin;Landkreis Kassel;heike.hase@example.org;angenommen',
  'Iris;Igel;Mentorin;Stadt Kassel;iris.igel@example.org;angenommen',
].join('\r\n');

// The first run, two years before, to set beside this one.
const firstRun = { ...programme, name: 'Cross-Mentoring Kassel 2024', start: '2024-01-15', end: '2025-01-31' };
const firstRunPeople = [
  'Vorname;Nachname;Rolle;Organisation;E-Mail;Stand',
  'Lara;Linde;Mentee;Stadt Kassel;lara.linde@example.org;angenommen',
  'Mona;Moos;Mentee;Stadt Kassel;mona.moos@example.org;angenommen',
  'Nele;Nuss;Mentee;Landkreis Kassel;nele.nuss@example.org;angenommen',
].join('\r\n');

test('the report shows the hand-computed leadership rate, filters by organisation, exports CSV and prints on A4', async ({ page }, testInfo) => {
  allowFor(240_000);
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  const report = new ReportPage(page);

  // The first run: one of its three mentees aiming for leadership reached it.
  await programmes.open();
  await programmes.create(firstRun);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(firstRun.name);
  await workspace.importFile('teilnehmende-2024.csv', Buffer.from('\ufeff' + firstRunPeople + '\r\n', 'utf8'));
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await report.open();
  await page.getByTestId('report-record-outcomes').click();
  await report.recordOutcome({ mentee: 'Lara Linde', aimed: 'yes', postOn: '2024-10-01' });
  await report.recordOutcome({ mentee: 'Mona Moos', aimed: 'yes' });
  await report.recordOutcome({ mentee: 'Nele Nuss', aimed: 'yes' });

  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(programme.name);
  await workspace.importFile('teilnehmende.csv', Buffer.from('\ufeff' + people + '\r\n', 'utf8'));
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  // Three tandems across the two administrations.
  for (const [mentee, mentor] of [
    ['Anja Amsel (Stadt Kassel)', 'Gesa Gans (Landkreis Kassel)'],
    ['Berit Buche (Stadt Kassel)', 'Heike Hase (Landkreis Kassel)'],
    ['Emma Eibe (Landkreis Kassel)', 'Iris Igel (Stadt Kassel)'],
  ]) {
    await workspace.formTandem(mentee, mentor);
  }
  await expect(page.getByTestId('tandem-row')).toHaveCount(3);

  // Before any outcome: counts, and a dash instead of a rate.
  await report.open();
  await expect(report.row('outcomes', 'Führungsposition erreicht (von Mentees mit diesem Ziel)')).toContainText('–');
  await expect(report.row('key-figures', 'Teilnehmende (aufgenommen)')).toContainText('9');

  // Outcomes at the programme's end: all six aimed for a leadership post;
  // three of the city's four reached one, neither of the district's two.
  await page.getByTestId('report-record-outcomes').click();
  const outcomes = [
    { mentee: 'Anja Amsel', aimed: 'yes', postOn: '2026-11-01', goal: 'fully', recommend: 'yes' },
    { mentee: 'Berit Buche', aimed: 'yes', postOn: '2026-12-01', goal: 'fully', recommend: 'yes' },
    { mentee: 'Cora Clausen', aimed: 'yes', postOn: '2027-01-15', goal: 'partly', recommend: 'yes' },
    { mentee: 'Dunja Dach', aimed: 'yes', goal: 'partly', recommend: 'no' },
    { mentee: 'Emma Eibe', aimed: 'yes', goal: 'not' },
    { mentee: 'Fenja Fink', aimed: 'yes', goal: 'partly', recommend: 'yes' },
  ] as const;
  for (const outcome of outcomes) {
    await report.recordOutcome(outcome);
  }
  await expect(page.getByTestId('outcome-table').locator('tbody tr')).toHaveCount(6);
  await expect(page.getByTestId('outcome-table')).toContainText('Führung seit');

  // A questionnaire on the match, answered on paper by two mentees.
  await page.getByRole('link', { name: 'Zurück zum Bericht' }).click();
  await page.getByTestId('report-surveys').click();
  await page.getByTestId('survey-name').fill('Passung nach 30 Tagen');
  await page.getByTestId('survey-question-text').fill('Wie gut passt Ihr Tandem?');
  await page.getByTestId('survey-save').click();
  await expect(page.getByTestId('survey-message')).toHaveText('Der Fragebogen ist gespeichert.');
  for (const [mentee, value] of [['Anja Amsel', '5'], ['Emma Eibe', '4']]) {
    await page.getByTestId('paper-survey').selectOption({ label: 'Passung nach 30 Tagen' });
    await page.getByTestId('paper-person').selectOption({ label: mentee });
    await page.getByTestId('paper-answer').selectOption(value);
    await page.getByTestId('paper-save').click();
    await expect(page.getByTestId('paper-message')).toContainText('gespeichert');
  }
  await page.getByRole('link', { name: 'Zurück zum Bericht' }).click();

  // The headline figure, with its counts.
  const leadership = report.row('outcomes', 'Führungsposition erreicht (von Mentees mit diesem Ziel)');
  await expect(leadership).toContainText('3 von 6 · 50 %');
  await expect(report.row('key-figures', 'Führungsposition erreicht (von Mentees mit diesem Ziel)')).toContainText('3 von 6 · 50 %');
  await expect(report.row('outcomes', 'Ziel voll erreicht')).toContainText('2 von 6 · 33 %');
  await expect(report.row('outcomes', 'Würden das Programm empfehlen')).toContainText('4 von 5 · 80 %');
  await expect(report.row('key-figures', 'Tandems')).toContainText('3');
  // The chart writes the same figures beside its bars.
  const chart = report.section('outcomes').locator('svg[role="img"]:visible');
  await expect(chart.locator('text').filter({ hasText: 'Führungsposition erreicht' })).toHaveCount(1);
  await expect(chart.locator('text').filter({ hasText: '3 von 6 · 50 %' }).first()).toBeVisible();
  await expect(page.locator('[data-testid^="report-table-survey-"]')).toContainText('4,5 (n = 2)');

  // Beside the first run, stored in this browser.
  await page.getByTestId('report-earlier').selectOption({ label: firstRun.name });
  await expect(page.getByTestId('report-compared')).toContainText(firstRun.name);
  await expect(report.table('outcomes').locator('thead')).toContainText(firstRun.name);
  await expect(leadership).toContainText('1 von 3 · 33 %');
  await expect(leadership).toContainText('3 von 6 · 50 %');

  // For one organisation.
  await report.filter('Stadt Kassel');
  await expect(leadership).toContainText('3 von 4 · 75 %');
  await expect(page.getByTestId('report-title-line')).toContainText('Stadt Kassel');
  await expect(leadership).toContainText('1 von 2 · 50 %');
  await report.filter('Landkreis Kassel');
  await expect(leadership).toContainText('0 von 2 · 0 %');
  await expect(leadership).toContainText('0 von 1 · 0 %');
  await report.filter('');
  await expect(leadership).toContainText('3 von 6 · 50 %');

  // Every table as CSV, as Excel opens it.
  const all = await report.download('report-csv');
  expect(all.name).toMatch(/^Bericht-Cross-Mentoring-Kassel-2026-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(all.path!);
  expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const text = csv.toString('utf8');
  expect(text).toContain('Führungsposition erreicht (von Mentees mit diesem Ziel);3 von 6 · 50 %');
  expect(text).toContain('Stadt Kassel;4;1;0;5');
  const one = await report.download('report-csv-outcomes');
  expect(readFileSync(one.path!, 'utf8')).toContain('Ziel nicht erreicht;1 von 6 · 17 %');

  // Screens to look at, on a laptop and on a phone, when asked for.
  const shots = process.env.TANDEM_REPORT_SHOTS;
  if (shots) {
    for (const [name, width] of [['laptop', 1366], ['phone', 390]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${shots}-${name}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  // Printed for the committee: A4, the app around it hidden.
  // Firefox over WebDriver BiDi cannot show the page as printed (no media
  // emulation there); its PDF below is still the browser's own print.
  await page.emulateMedia({ media: 'print' });
  if (await page.evaluate(() => matchMedia('print').matches)) {
    await expect(page.locator('.app-header')).toBeHidden();
    await expect(page.getByTestId('report-organisation')).toBeHidden();
    await expect(page.getByTestId('report-title-line')).toBeVisible();
  }
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  const pdfPath = testInfo.outputPath('bericht.pdf');
  writeFileSync(pdfPath, pdf);
  await testInfo.attach('report', { path: pdfPath, contentType: 'application/pdf' });
  const pages = await pdfPages(pdf);
  expect(pages.count).toBeGreaterThanOrEqual(1);
  expect(pages.count).toBeLessThanOrEqual(4);
  expect(pages.allA4).toBe(true);
  if (process.env.TANDEM_REPORT_PNG) {
    execFileSync('pdftoppm', ['-png', '-r', '60', pdfPath, process.env.TANDEM_REPORT_PNG]);
  }
  await page.emulateMedia({ media: 'screen' });
});
