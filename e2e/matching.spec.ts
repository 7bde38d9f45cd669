// Matching a cross-mentoring cohort of 20: import, accept everyone, open
// the matching board, fix one pair, exclude another, re-run, confirm; the
// tandems are still there after a reload.
import { expect, test, type Page } from '@playwright/test';
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

/** A suggestion row's mentee and mentor names, without their organisations. */
async function pairOf(page: Page, index: number) {
  const row = page.getByTestId('suggestion-row').nth(index);
  const mentee = (await row.getByRole('rowheader').innerText()).replace(/ \(.*\)$/, '');
  const mentor = (await row.locator('td').first().innerText()).replace(/ \(.*\)$/, '');
  return { mentee, mentor };
}

test('a cohort of 20 is matched, a pair fixed and one excluded, and the tandems survive a reload', async ({ page }) => {
  test.setTimeout(240_000);
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
  await expect(page.getByTestId('suggestion-row')).toHaveCount(0);

  await page.reload();
  await workspace.tab('nav-tandems');
  await expect(page.getByTestId('tandem-row')).toHaveCount(10);
  await expect(page.getByTestId('tandem-row').filter({ hasText: fixed.mentee })).toContainText(fixed.mentor);
  await expect(page.getByTestId('tandem-row').filter({ hasText: excluded.mentee })).not.toContainText(excluded.mentor);
  await page.getByTestId('nav-matching').click();
  await expect(page.getByTestId('matching-summary')).toContainText('0 Tandems vorgeschlagen, 0 Personen ohne Partner:in');
});
