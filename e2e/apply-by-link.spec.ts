// Applying by link: a coordinator publishes the programme's application
// form; an applicant opens the link on a phone, goes offline, fills it in
// and sends — it leaves as soon as the network is back. The relay's
// database holds none of her words. The coordinator takes her in (consent
// and the day of application kept); a second application with the same
// address is flagged; its code withdraws it; a renewed link makes the old
// one refuse, while what it brought before stays readable until dealt
// with. axe-core checks the form in both languages and widths.
import { readFileSync, existsSync } from 'node:fs';
import { expect, test, type Page } from './fixtures/test';
import { audit, isSerious } from './fixtures/axe';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = { ...duesseldorfKoeln, name: 'Bewerbung per Link 2027' };
const phone = { width: 390, height: 844 };

/** Fills in and sends the form as an applicant would. */
async function apply(page: Page, name: string, email: string, motivation: string) {
  await page.getByTestId('apply-role-mentee').check();
  // Emptied first: Firefox's e-mail field keeps what `fill` cannot select.
  for (const [field, value] of [
    ['apply-name', name],
    ['apply-email', email],
    ['apply-topics', 'Führung, Verwaltung'],
    ['apply-motivation', motivation],
  ]) {
    await page.getByTestId(field).clear();
    await page.getByTestId(field).fill(value);
  }
  await page.getByTestId('apply-consent-processing').check();
  await page.getByTestId('apply-consent-share-contact').check();
  await page.getByTestId('apply-send').click();
}

/** The relay's database files as text, to search for an applicant's words. */
function relayBytes(): string {
  const database = process.env.TANDEM_E2E_RELAY_DB ?? '';
  return [database, `${database}-wal`]
    .filter((file) => file !== '' && existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

/** Full-page screenshots at both widths for the record, where asked for. */
async function keepPicture(page: Page, name: string) {
  const folder = process.env.TANDEM_SCREENSHOTS;
  if (!folder) return;
  const size = page.viewportSize();
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${folder}/${name}-${width}.png`, fullPage: true });
  }
  if (size) await page.setViewportSize(size);
}

async function noSeriousFindings(page: Page, where: string) {
  // A fresh page for each audit: axe-core run twice on one page adds an
  // inline style in Firefox, which the relay's policy rightly refuses.
  await page.reload();
  await expect(page.getByTestId('apply-form')).toBeVisible();
  const serious = (await audit(page)).filter(isSerious);
  expect(serious, `${where}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

test('an applicant applies offline on a phone; the coordinator takes her in', async ({ browser }) => {
  test.setTimeout(240_000);
  const office = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const coordinator = await office.newPage();
  const programmes = new ProgrammesPage(coordinator);
  const workspace = new ProgrammePage(coordinator);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);

  // Publishing the form: the link, its QR code and a snippet.
  await workspace.tab('nav-settings');
  await coordinator.getByTestId('intake-link-field-motivation').check();
  // The consent texts come with sound defaults and can be adapted.
  await coordinator.getByTestId('intake-texts').locator('summary').click();
  await expect(coordinator.getByTestId('intake-text-processing-de')).toHaveValue(/Ich willige ein/);
  await coordinator
    .getByTestId('intake-text-privacy-notice-de')
    .fill('Verantwortlich ist das Gleichstellungsbüro der Landeshauptstadt Düsseldorf.');
  await coordinator.getByTestId('intake-link-publish').click();
  await expect(coordinator.getByTestId('intake-link-outcome-done')).toHaveText('Der Bewerbungslink ist veröffentlicht.');
  const link = await coordinator.getByTestId('intake-link-url').inputValue();
  expect(link).toMatch(/\/bewerben#inbox=[0-9a-f]{32}&key=[A-Za-z0-9_-]{43}$/);
  await expect(coordinator.getByTestId('intake-link-qr')).toBeVisible();
  await expect(coordinator.getByTestId('intake-link-snippet')).toHaveValue(`<a href="${link}">Jetzt bewerben</a>`);
  await keepPicture(coordinator, 'intake-link');

  // The applicant, on a phone.
  const handset = await browser.newContext({ viewport: phone });
  const applicant = await handset.newPage();
  await applicant.goto(link);
  await expect(applicant.getByRole('heading', { level: 1 })).toHaveText(`Bewerbung für ${programme.name}`);
  await expect(applicant.getByTestId('apply-privacy-notice')).toHaveText(
    'Verantwortlich ist das Gleichstellungsbüro der Landeshauptstadt Düsseldorf.',
  );
  await noSeriousFindings(applicant, 'form, de, 390 px');
  await applicant.getByTestId('language-en').click();
  await expect(applicant.getByTestId('apply-send')).toHaveText('Send application');
  await noSeriousFindings(applicant, 'form, en, 390 px');
  await applicant.setViewportSize({ width: 1366, height: 900 });
  await noSeriousFindings(applicant, 'form, en, 1366 px');
  await applicant.getByTestId('language-de').click();
  await noSeriousFindings(applicant, 'form, de, 1366 px');
  await applicant.setViewportSize(phone);
  await keepPicture(applicant, 'apply-form');

  // Without consent to processing, nothing is sent.
  await applicant.getByTestId('apply-name').fill('Lena Neumann');
  await applicant.getByTestId('apply-email').fill('lena.neumann@example.org');
  await applicant.getByTestId('apply-role-mentee').check();
  await applicant.getByTestId('apply-send').click();
  await expect(applicant.getByTestId('apply-problem')).toContainText('Einwilligung');

  // Offline: sealed and kept; sent when the network is back.
  await handset.setOffline(true);
  const motivation = 'Ich möchte Verantwortung in der Verwaltung übernehmen';
  await apply(applicant, 'Lena Neumann', 'lena.neumann@example.org', motivation);
  await expect(applicant.getByTestId('apply-waiting')).toBeVisible();
  await handset.setOffline(false);
  await applicant.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(applicant.getByTestId('apply-sent')).toBeVisible({ timeout: 45_000 });
  await keepPicture(applicant, 'apply-sent');
  const receipt = (await applicant.getByTestId('apply-receipt').textContent()) ?? '';
  expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // The relay keeps only what it cannot read.
  const stored = relayBytes();
  expect(stored.length).toBeGreaterThan(0);
  for (const words of ['Lena Neumann', 'lena.neumann@example.org', motivation]) {
    expect(stored.includes(words), words).toBe(false);
  }

  // The coordinator takes her in.
  await workspace.tab('nav-people');
  const incoming = coordinator.getByTestId('incoming');
  await incoming.getByTestId('incoming-refresh').click();
  await expect(incoming.getByRole('heading', { level: 2 })).toHaveText('1 neue Bewerbung');
  const card = incoming.getByTestId('incoming-card').filter({ hasText: 'Lena Neumann' });
  await expect(card).toContainText(receipt);
  await card.getByTestId('incoming-take-in').click();
  await expect(coordinator.getByTestId('incoming-outcome-done')).toContainText('Einwilligung und Bewerbungsdatum');
  await expect(incoming.getByRole('heading', { level: 2 })).toHaveText('Keine neuen Bewerbungen');
  await expect(coordinator.getByTestId('person-row').filter({ hasText: 'Lena Neumann' })).toBeVisible();
  await workspace.tab('nav-dashboard');
  await expect(coordinator.getByTestId('history')).toContainText('hat eine Bewerbung über den Link übernommen');
  await workspace.tab('nav-people');

  // A second application with the same address is flagged …
  await applicant.reload();
  await apply(applicant, 'Lena M. Neumann', 'Lena.Neumann@example.org', 'Noch einmal, sicher ist sicher');
  await expect(applicant.getByTestId('apply-sent')).toBeVisible({ timeout: 45_000 });
  const second = (await applicant.getByTestId('apply-receipt').textContent()) ?? '';
  await incoming.getByTestId('incoming-refresh').click();
  const twin = incoming.getByTestId('incoming-card').filter({ hasText: 'Lena M. Neumann' });
  await expect(twin.getByTestId('incoming-duplicate')).toContainText('Gleiche Person wie Lena Neumann?');
  await keepPicture(coordinator, 'incoming');

  // … and its code withdraws it.
  await applicant.getByText('Bewerbung zurückziehen', { exact: true }).click();
  await applicant.getByTestId('apply-withdraw-code').fill(second);
  await applicant.getByTestId('apply-withdraw').click();
  await expect(applicant.getByTestId('apply-sent')).toContainText('zurückgezogen', { timeout: 45_000 });
  await incoming.getByTestId('incoming-refresh').click();
  await expect(incoming.getByRole('heading', { level: 2 })).toHaveText('Keine neuen Bewerbungen');
  await expect(incoming.getByTestId('incoming-card')).toHaveCount(0);

  // An application waits when the link is renewed: the old link takes
  // nothing more, and what it brought is still read and taken in.
  await applicant.reload();
  await apply(applicant, 'Mara Sommer', 'mara.sommer@example.org', 'Ich leite bald ein Team');
  await expect(applicant.getByTestId('apply-sent')).toBeVisible({ timeout: 45_000 });
  await workspace.tab('nav-settings');
  await coordinator.getByTestId('intake-link-renew').click();
  await expect(coordinator.getByTestId('intake-link-outcome-done')).toHaveText('Der neue Link gilt; der alte nimmt nichts mehr an.');
  const renewed = await coordinator.getByTestId('intake-link-url').inputValue();
  expect(renewed).not.toEqual(link);
  const inbox = link.match(/inbox=([0-9a-f]{32})/)![1];
  const sendToOld = () =>
    applicant.request.post(new URL(`/inbox/${inbox}`, link).toString(), {
      data: Buffer.alloc(64),
      headers: { 'content-type': 'application/octet-stream', origin: new URL(link).origin },
    });
  const refused = await sendToOld();
  expect(refused.status()).toBe(410);
  expect(await refused.text()).toMatch(/"error":"closed"/);
  await applicant.goto('about:blank');
  await applicant.goto(link);
  await expect(applicant.getByTestId('apply-closed')).toBeVisible();

  await workspace.tab('nav-people');
  await incoming.getByTestId('incoming-refresh').click();
  await expect(incoming.getByRole('heading', { level: 2 })).toHaveText('1 neue Bewerbung');
  const mara = incoming.getByTestId('incoming-card').filter({ hasText: 'Mara Sommer' });
  await mara.getByTestId('incoming-take-in').click();
  await expect(coordinator.getByTestId('person-row').filter({ hasText: 'Mara Sommer' })).toBeVisible();
  await expect(incoming.getByRole('heading', { level: 2 })).toHaveText('Keine neuen Bewerbungen');
  // Drained, the old inbox is gone from the relay for good.
  await expect.poll(async () => (await sendToOld()).status(), { timeout: 20_000 }).toBe(404);

  // A corrected text reaches the form behind the new link.
  await workspace.tab('nav-settings');
  await coordinator.getByTestId('intake-texts').locator('summary').click();
  await coordinator
    .getByTestId('intake-text-privacy-notice-de')
    .fill('Verantwortlich ist das Gleichstellungsbüro der Stadt Düsseldorf, Kontakt siehe unten.');
  await coordinator.getByTestId('intake-texts-save').click();
  await expect(coordinator.getByTestId('intake-link-outcome-done')).toHaveText(
    'Die Texte sind gespeichert; das Formular zeigt sie ab jetzt.',
  );
  await workspace.tab('nav-people');

  // The new link brings the next application.
  await applicant.goto('about:blank');
  await applicant.goto(renewed);
  await expect(applicant.getByTestId('apply-privacy-notice')).toHaveText(
    'Verantwortlich ist das Gleichstellungsbüro der Stadt Düsseldorf, Kontakt siehe unten.',
  );
  await apply(applicant, 'Nora Neu', 'nora.neu@example.org', 'Über den neuen Link');
  await expect(applicant.getByTestId('apply-sent')).toBeVisible({ timeout: 45_000 });
  await incoming.getByTestId('incoming-refresh').click();
  await expect(incoming.getByTestId('incoming-card').filter({ hasText: 'Nora Neu' })).toBeVisible();

  await handset.close();
  await office.close();
});
