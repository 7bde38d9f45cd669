// A coordinator sets up a tandem's own page and copies the personal link:
// two applicants from the spreadsheet, accepted, formed into a tandem.
import { expect, type BrowserContext } from '@playwright/test';
import { ProgrammesPage } from './programmes-page';
import { ProgrammePage } from './programme-page';
import { windows1252Csv } from '../fixtures/people';
import { duesseldorfKoeln } from '../fixtures/programmes';

/** The personal link (path and fragment) of Aylin's and Nora's tandem page. */
export async function personalLink(office: BrowserContext): Promise<string> {
  const page = await office.newPage();
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(duesseldorfKoeln);
  await workspace.openFromList(duesseldorfKoeln.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  for (const name of ['Aylin Korkmaz', 'Nora Xanthopoulos']) {
    await workspace.openPerson(name);
    await workspace.accept();
  }
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await page.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await page.getByTestId('page-set-up').click();
  await expect(page.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  const link = new URL(await page.getByTestId('page-personal-link').filter({ hasText: 'Link für Aylin Korkmaz' }).getByTestId('page-personal-link-url').inputValue());
  await page.close();
  return link.pathname + link.hash;
}
