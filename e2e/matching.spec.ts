// Matching a cross-mentoring cohort of 20: import, accept everyone, open
// the matching board, fix one pair, exclude another, re-run, confirm; the
// tandems are still there after a reload. The suggestions are computed in
// the matching worker, never on the page. A programme with co-mentors
// gets them as a second step, and confirming puts them on the tandems.
// Matching works offline, worker included.
import { expect, allowFor, test, type Page } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { header, rows } from './fixtures/people';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Düsseldorf–Köln 2027',
  start: '2027-02-01',
  end: '2028-04-30',
  partners: ['Landeshauptstadt Düsseldorf', 'Stadt Köln'],
};

// The 17 valid applicants of the spreadsheet fixture and three more, so
// that each city sends five mentees and five mentors.
const validRows = rows.slice(0, 17);
const moreRows = [
  'Sophie;Berger;Mentee;Landeshauptstadt Düsseldorf;sophie.berger@example.org;;Digitalisierung;online;08.01.2026',
  'Ulla;Dietz;Mentorin;Stadt Köln;ulla.dietz@example.org;;Finanzen;;03.01.2026',
  'Vera;Engel;Mentorin;Landeshauptstadt Düsseldorf;vera.engel@example.org;;Haushalt;;04.01.2026',
];
const people = [...validRows, ...moreRows].map((row) => {
  const [first, last] = row.split(';');
  return `${first} ${last}`;
});

function cohortCsv(): Buffer {
  return Buffer.from([header, ...validRows, ...moreRows].join('\r\n') + '\r\n', 'latin1');
}

/** Waits until the board shows the result of its `run`-th run. */
async function untilRun(page: Page, run: number) {
  await expect(page.getByTestId('matching-summary')).toHaveAttribute('data-result-run', String(run));
  await expect(page.getByTestId('matching-computing')).toHaveCount(0);
}

/** The matching worker is running and the board did not fall back to the page. */
async function computedInWorker(page: Page) {
  await expect(page.getByTestId('matching-on-page')).toHaveCount(0);
  expect(page.workers().some((worker) => worker.url().endsWith('/matching-worker_loader.js'))).toBe(true);
}

/** A suggestion row's mentee and mentor names, without their organisations. */
async function pairOf(page: Page, index: number) {
  const row = page.getByTestId('suggestion-row').nth(index);
  const mentee = (await row.getByRole('rowheader').innerText()).replace(/ \(.*\)$/, '');
  const mentor = (await row.locator('td').first().innerText()).replace(/ \(.*\)$/, '');
  return { mentee, mentor };
}

test('a cohort of 20 is matched, a pair fixed and one excluded, and the tandems survive a reload', async ({ page }) => {
  allowFor(240_000);
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(programme.name);

  await workspace.importFile('kohorte.csv', cohortCsv());
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toHaveText('20 Personen importiert.');
  for (const name of people) {
    await workspace.openPerson(name);
    await workspace.accept();
  }

  await page.getByTestId('nav-matching').click();
  await untilRun(page, 1);
  await computedInWorker(page);
  await expect(page.getByTestId('suggestion-row')).toHaveCount(10);
  await expect(page.getByTestId('matching-summary')).toContainText('10 Tandems vorgeschlagen, 0 Personen ohne Partner:in');
  await expect(page.getByTestId('unmatched-none')).toBeVisible();
  await expect(page.getByTestId('suggestion-row').first()).toContainText('Punkte');

  // Fix the first suggestion, exclude the second.
  const fixed = await pairOf(page, 0);
  const excluded = await pairOf(page, 1);
  await page.getByTestId('suggestion-row').nth(0).getByTestId('fix-pair').click();
  await expect(page.getByTestId('suggestion-row').nth(0).getByTestId('pair-fixed')).toBeVisible();
  await page.getByTestId('suggestion-row').nth(1).getByTestId('exclude-pair').click();
  await expect(page.getByTestId('suggestion-row').nth(1).getByTestId('pair-excluded')).toBeVisible();
  await expect(page.getByTestId('matching-stale')).toBeVisible();
  await expect(page.getByTestId('matching-confirm')).toBeDisabled();
  await expect(page.getByTestId('excluded-pair')).toHaveCount(1);

  // Re-run: the fixed pair is kept, the excluded pair is gone, nobody is left out.
  await page.getByTestId('matching-run').click();
  await untilRun(page, 2);
  await expect(page.getByTestId('matching-stale')).toHaveCount(0);
  await expect(page.getByTestId('suggestion-row')).toHaveCount(10);
  const fixedRow = page.getByTestId('suggestion-row').filter({ hasText: fixed.mentee });
  await expect(fixedRow).toHaveAttribute('data-fixed', 'true');
  await expect(fixedRow).toContainText(fixed.mentor);
  const excludedRow = page.getByTestId('suggestion-row').filter({ hasText: excluded.mentee });
  await expect(excludedRow).toHaveCount(1);
  await expect(excludedRow).not.toContainText(excluded.mentor);
  await expect(page.getByTestId('unmatched-none')).toBeVisible();

  // Confirm: ten tandems in one change.
  await page.getByTestId('matching-confirm').click();
  await expect(page.getByTestId('matching-done')).toHaveText('10 Tandems wurden gebildet.');
  await untilRun(page, 3);
  await expect(page.getByTestId('suggestion-row')).toHaveCount(0);

  await page.reload();
  await workspace.tab('nav-tandems');
  await expect(page.getByTestId('tandem-row')).toHaveCount(10);
  await expect(page.getByTestId('tandem-row').filter({ hasText: fixed.mentee })).toContainText(fixed.mentor);
  await expect(page.getByTestId('tandem-row').filter({ hasText: excluded.mentee })).not.toContainText(excluded.mentor);
  await page.getByTestId('nav-matching').click();
  await untilRun(page, 1);
  await expect(page.getByTestId('matching-summary')).toContainText('0 Tandems vorgeschlagen, 0 Personen ohne Partner:in');
});

// Two mentees, two mentors and two co-mentors, one of each per city, with
// the times they can meet and where they work; every person accepted in
// the spreadsheet already.
const coMentorSheet = [
  'Name;Rolle;Organisation;E-Mail;Themen;Verfügbarkeit;Ort;Stand',
  'Aylin Korkmaz;Mentee;Stadt Köln;aylin.korkmaz@example.org;Führung;Di und Do abends;Köln;angenommen',
  'Frieda Pohl;Mentee;Landeshauptstadt Düsseldorf;frieda.pohl@example.org;Haushalt;Mo vormittags;Düsseldorf;angenommen',
  'Jutta Thiel;Mentorin;Stadt Köln;jutta.thiel@example.org;Haushalt;montags 9-12 Uhr;Köln;angenommen',
  'Nora Xanthopoulos;Mentorin;Landeshauptstadt Düsseldorf;nora.x@example.org;Führung;Dienstag ab 18 Uhr;Düsseldorf;angenommen',
  'Ida Vogel;Co-Mentorin;Stadt Köln;ida.vogel@example.org;Haushalt;Mo vormittags;Köln;angenommen',
  'Paul Ehrlich;Co-Mentor;Landeshauptstadt Düsseldorf;paul.ehrlich@example.org;Führung;Do abends;Neuss;angenommen',
].join('\r\n');

test('co-mentors are suggested for the tandems under the rules, explained with times and distance, and confirmed with them', async ({
  page,
}) => {
  allowFor(120_000);
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create({ ...programme, name: 'Mentoring mit Co-Mentor:innen 2027' });
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList('Mentoring mit Co-Mentor:innen 2027');
  await workspace.tab('nav-settings');
  await page.getByTestId('rules-co-mentors').check();
  await page.getByTestId('rules-submit').click();
  await workspace.importFile('co-mentoring.csv', Buffer.from(coMentorSheet + '\r\n', 'utf8'));
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toHaveText('6 Personen importiert.');

  await page.getByTestId('nav-matching').click();
  await untilRun(page, 1);
  await computedInWorker(page);
  await expect(page.getByTestId('suggestion-row')).toHaveCount(2);
  await expect(page.getByTestId('matching-summary')).toContainText('2 von 2 Tandems mit Co-Mentor:in');
  // Each mentee gets the co-mentor from the other city.
  const aylin = page.getByTestId('suggestion-row').filter({ hasText: 'Aylin Korkmaz' });
  const frieda = page.getByTestId('suggestion-row').filter({ hasText: 'Frieda Pohl' });
  await expect(aylin.getByTestId('suggestion-co-mentor')).toContainText('Paul Ehrlich');
  await expect(frieda.getByTestId('suggestion-co-mentor')).toContainText('Ida Vogel');
  // Times and distance in words: Aylin and Nora share Tuesday evening and
  // work 35 km apart.
  await expect(aylin).toContainText('Nora Xanthopoulos');
  await expect(aylin.locator('[data-criterion="availability"]').first()).toContainText('Di abends');
  await expect(aylin.locator('[data-criterion="location"]').first()).toContainText('35 km');

  // Exclude Paul for Aylin: after a new run she has no co-mentor, and Paul
  // is listed with the reason.
  await aylin.getByTestId('exclude-co-mentor').click();
  await expect(page.getByTestId('matching-stale')).toBeVisible();
  await page.getByTestId('matching-run').click();
  await untilRun(page, 2);
  await expect(aylin.getByTestId('suggestion-co-mentor')).toContainText('keine Co-Mentor:in frei');
  await expect(page.getByTestId('unmatched-row').filter({ hasText: 'Paul Ehrlich' })).toContainText(
    'aus derselben Organisation oder wurden für diese Person ausgeschlossen',
  );

  // Confirm: the tandems hold their co-mentors after a reload.
  await page.getByTestId('matching-confirm').click();
  await expect(page.getByTestId('matching-done')).toHaveText('2 Tandems wurden gebildet.');
  await page.reload();
  await workspace.tab('nav-tandems');
  await expect(page.getByTestId('tandem-row')).toHaveCount(2);
  await expect(page.getByTestId('tandem-row').filter({ hasText: 'Frieda Pohl' })).toContainText('Ida Vogel');
  await expect(page.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' })).not.toContainText('Paul Ehrlich');

  // Lift the exclusion: Aylin's running tandem gets Paul suggested, and
  // assigning puts him on it.
  await page.getByTestId('nav-matching').click();
  await untilRun(page, 1);
  await expect(page.getByTestId('running-co-mentors')).toHaveCount(0);
  await page.getByTestId('excluded-pair').filter({ hasText: 'Paul Ehrlich' }).getByRole('button').click();
  await page.getByTestId('matching-run').click();
  await untilRun(page, 2);
  const running = page.getByTestId('running-co-mentor-row');
  await expect(running).toHaveCount(1);
  await expect(running).toContainText('Aylin Korkmaz');
  await expect(running).toContainText('Paul Ehrlich');
  await page.getByTestId('running-co-mentors-confirm').click();
  await expect(page.getByTestId('matching-running-done')).toHaveText('Eine Co-Mentor:in wurde ihrem Tandem zugeordnet.');
  await untilRun(page, 3);
  await expect(page.getByTestId('running-co-mentor-row')).toHaveCount(0);
  await page.reload();
  await workspace.tab('nav-tandems');
  await expect(page.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' })).toContainText('Paul Ehrlich');
});

test('without a network the board still computes in the worker the service worker keeps', async ({ page, context }) => {
  allowFor(120_000);
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
  await programmes.create({ ...programme, name: 'Offline-Matching 2027' });
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList('Offline-Matching 2027');
  await workspace.importFile('co-mentoring.csv', Buffer.from(coMentorSheet + '\r\n', 'utf8'));
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toHaveText('6 Personen importiert.');

  await context.setOffline(true);
  await page.reload();
  await page.getByTestId('nav-matching').click();
  await untilRun(page, 1);
  await computedInWorker(page);
  await expect(page.getByTestId('suggestion-row')).toHaveCount(2);
  await context.setOffline(false);
});
