// A questionnaire answered on a tandem page: the coordinator puts the
// questionnaire that is due on the pair's page, the mentee answers it on
// her phone, and the coordinator carries the answers into the programme,
// where the report counts them.
import { expect, allowFor, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ReportPage } from './pages/report-page';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Fragebogen 2026',
  start: '2026-01-15',
  end: '2027-01-31',
  partners: ['Stadt Kassel', 'Landkreis Kassel'],
};

const people = [
  'Vorname;Nachname;Rolle;Organisation;E-Mail;Stand',
  'Anja;Amsel;Mentee;Stadt Kassel;anja.amsel@example.org;angenommen',
  'Gesa;Gans;Mentorin;Landkreis Kassel;gesa.gans@example.org;angenommen',
].join('\r\n');

test('a mentee answers a questionnaire on her tandem page and the report counts it', async ({ browser }) => {
  allowFor(120_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const phone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const a = await office.newPage();
  const m = await phone.newPage();
  const programmes = new ProgrammesPage(a);
  const workspace = new ProgrammePage(a);
  const report = new ReportPage(a);

  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.importFile('teilnehmende.csv', Buffer.from('\ufeff' + people + '\r\n', 'utf8'));
  await a.getByTestId('import-submit').click();
  await expect(a.getByTestId('import-done')).toBeVisible();
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-start').fill('2026-01-15');
  await workspace.formTandem('Anja Amsel (Stadt Kassel)', 'Gesa Gans (Landkreis Kassel)');
  await expect(a.getByTestId('tandem-row')).toHaveCount(1);

  // Match quality after 30 days, for mentees: a scale and an anonymous text.
  await report.open();
  await a.getByTestId('report-surveys').click();
  await a.getByTestId('survey-name').fill('Passung nach 30 Tagen');
  await a.getByTestId('survey-question-text').fill('Wie gut passt Ihr Tandem?');
  await a.getByTestId('survey-add-question').click();
  await a.getByTestId('survey-question-text').nth(1).fill('Was fehlt Ihnen?');
  await a.getByTestId('survey-question-kind').nth(1).selectOption('free-text');
  await a.getByTestId('survey-question-anonymous').nth(1).check();
  await a.getByTestId('survey-save').click();
  await expect(a.getByTestId('survey-message')).toHaveText('Der Fragebogen ist gespeichert.');

  // The tandem's page, with the questionnaire that is due on it.
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-row').getByRole('link').first().click();
  await a.getByTestId('page-set-up').click();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  const link = await a.getByTestId('page-personal-link').filter({ hasText: 'Link für Anja Amsel' }).getByTestId('page-personal-link-url').inputValue();
  await a.getByTestId('page-surveys-offer').click();
  await expect(a.getByTestId('page-surveys-coordinators')).toContainText('1 fälliger Fragebogen steht auf der Seite');
  await expect(a.getByTestId('page-surveys-carry')).toBeDisabled();

  // Anja answers on her phone; the form says who can read the page.
  await m.goto(link);
  await m.getByTestId('page-me').selectOption({ label: 'Anja Amsel' });
  const form = m.getByTestId('page-survey');
  await expect(form).toContainText('Passung nach 30 Tagen');
  await expect(m.getByTestId('page-surveys')).toContainText('kann auch Ihr Tandem lesen');
  await form.getByTestId('page-survey-answer').first().selectOption('4');
  await form.getByTestId('page-survey-answer').nth(1).fill('Mehr Austausch mit anderen Mentees');
  await form.getByTestId('page-survey-send').click();
  await expect(m.getByTestId('page-survey')).toHaveCount(0);
  await expect(m.getByTestId('page-sync-status')).toHaveText('Abgeglichen');

  // The coordinator carries the answers into the programme.
  await expect(a.getByTestId('page-surveys-carry')).toHaveText('Antworten von der Seite übernehmen (1)');
  await a.getByTestId('page-surveys-carry').click();
  await expect(a.getByTestId('page-surveys-coordinators')).toContainText('1 Fragebogen ins Programm übernommen');
  await expect(a.getByTestId('page-surveys-carry')).toBeDisabled();

  await report.open();
  const survey = a.locator('[data-testid^="report-table-survey-"]');
  await expect(survey).toContainText('4,0 (n = 1)');
  await expect(survey.locator('tbody tr').nth(1)).toContainText('Was fehlt Ihnen?');
  await expect(a.locator('[data-testid^="report-survey-"] h3')).toContainText('(1 Antwortende)');
});
