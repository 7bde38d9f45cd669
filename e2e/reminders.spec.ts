// Reminders without a server: seventeen applicants wait for their
// getting-to-know interview. The dashboard prepares the mail to each, in
// their language, and one mail with everyone in BCC; the coordinator sends
// it from her own mail program and marks it sent. The mark shows in the
// history and in the report.
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ReportPage } from './pages/report-page';
import { windows1252Csv } from './fixtures/people';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = duesseldorfKoeln;

test('the coordinator writes to everyone waiting for an interview and marks it sent', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  await workspace.tab('nav-dashboard');
  const interview = page.getByTestId('reminder').and(page.locator('[data-kind="interview"]'));
  await expect(interview.getByRole('heading')).toHaveText('Kennenlerngespräch noch nicht geführt: 17 Bewerbungen, die älteste vom 02.01.2026');

  // One prepared mail per person, in German, addressed by name.
  const aylin = interview.getByTestId('reminder-mail').filter({ hasText: 'Aylin Korkmaz' });
  const href = (await aylin.getAttribute('href')) ?? '';
  expect(href).toMatch(/^mailto:aylin\.korkmaz@example\.org\?subject=/);
  const mail = new URL(href);
  const subject = decodeURIComponent(mail.search.match(/subject=([^&]*)/)![1]);
  const body = decodeURIComponent(mail.search.match(/body=([^&]*)/)![1]);
  expect(subject).toBe(`${programme.name}: Ihr Kennenlerngespräch`);
  expect(body.startsWith('Guten Tag Aylin Korkmaz,\r\n\r\nvielen Dank für Ihre Bewerbung.')).toBe(true);

  // And one mail with all seventeen in BCC: nobody sees the others.
  const bcc = (await interview.getByTestId('reminder-bcc').getAttribute('href')) ?? '';
  expect(bcc).toMatch(/^mailto:\?bcc=/);
  expect(bcc.match(/bcc=([^&]*)/)![1].split(',')).toHaveLength(17);

  await interview.getByTestId('reminder-mark').click();
  await expect(page.getByTestId('reminder-sent-done')).toBeVisible();
  await expect(interview.getByTestId('reminder-sent-to-all')).toContainText('An alle verschickt am');
  await expect(interview.getByTestId('reminder-mark')).toHaveCount(0);
  await expect(page.getByTestId('history')).toContainText('hat eine Erinnerung als verschickt vermerkt');

  // Kept after a reload, and counted in the report.
  await page.reload();
  await expect(interview.getByTestId('reminder-sent-to-all')).toBeVisible();
  const report = new ReportPage(page);
  await report.open();
  await expect(report.row('reminders', 'Kennenlerngespräch')).toContainText('17');
});
