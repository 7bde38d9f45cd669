// A tandem's own page: the coordinator sets it up and sends the personal
// link; the mentee opens it on her phone, sees her tandem and nothing about
// anyone else, and logs a meeting that the coordinator sees. A tandem
// without meetings shows up as quiet on the dashboard. Ending the tandem
// moves the page to a new room: the old link receives nothing more.
import { readFileSync } from 'node:fs';
import { expect, allowFor, test } from './fixtures/test';
import { audit, isSerious } from './fixtures/axe';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { rows, windows1252Csv } from './fixtures/people';
import { duesseldorfKoeln } from './fixtures/programmes';
import { saveDownload } from './fixtures/download';

const programme = duesseldorfKoeln;

test('mentee and coordinator share a tandem page, and nothing else', async ({ browser }) => {
  allowFor(180_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const phone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const a = await office.newPage();
  const m = await phone.newPage();

  const programmes = new ProgrammesPage(a);
  const workspace = new ProgrammePage(a);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await a.getByTestId('import-submit').click();
  await expect(a.getByTestId('import-done')).toBeVisible();
  for (const name of ['Aylin Korkmaz', 'Nora Xanthopoulos', 'Birte Lorenzen', 'Jutta Thiel']) {
    await workspace.openPerson(name);
    await workspace.accept();
  }
  // Aylin agrees to share her e-mail address with her tandem; Nora does not.
  await workspace.openPerson('Aylin Korkmaz');
  await a.getByTestId('share-email').check();
  await a.getByTestId('person-submit').click();

  // Two tandems; the first started in January and nobody has logged a meeting.
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-start').fill('2026-01-15');
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(a.getByTestId('tandem-row')).toHaveCount(1);
  await workspace.formTandem('Birte Lorenzen (Stadt Köln)', 'Jutta Thiel (Stadt Köln)').catch(() => undefined);

  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await a.getByTestId('page-set-up').click();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  const link = await a.getByTestId('page-personal-link').filter({ hasText: 'Link für Aylin Korkmaz' }).getByTestId('page-personal-link-url').inputValue();
  expect(link).toMatch(/\/tandem#room=[0-9a-f]{32}&key=/);
  // Each person gets their own link, by e-mail to them alone.
  await expect(a.getByTestId('page-personal-link')).toHaveCount(2);
  await expect(a.getByTestId('page-mail').first()).toHaveAttribute('href', /^mailto:aylin\.korkmaz@example\.org\?subject=/);
  await expect(a.getByTestId('page-mail').last()).toHaveAttribute('href', /^mailto:nora\.x@example\.org\?subject=/);

  // The quiet tandems on the dashboard: no meeting since January.
  await workspace.tab('nav-dashboard');
  await expect(a.getByTestId('quiet-tandem')).toContainText('Aylin Korkmaz – Nora Xanthopoulos');
  await expect(a.getByTestId('quiet-tandem')).toContainText('kein Treffen eingetragen');

  // Aylin opens her link on the phone. The key leaves the address bar and
  // the history as soon as it is read.
  await m.goto(link);
  await expect(m.getByTestId('page-title')).toHaveText('Ihre Tandem-Seite');
  await expect(m).toHaveURL(/\/tandem$/);
  expect(await m.evaluate(() => location.hash)).toBe('');
  await expect(m.getByTestId('page-member')).toHaveCount(2);
  await expect(m.getByTestId('page-members')).toContainText('Nora Xanthopoulos');
  await expect(m.getByTestId('page-members')).toContainText('aylin.korkmaz@example.org');
  const everything = await m.locator('body').innerText();
  expect(everything).not.toContain('nora.x@example.org');
  for (const row of rows) {
    const [first, last] = row.split(';');
    const name = `${first} ${last}`;
    if (!first || name === 'Aylin Korkmaz' || name === 'Nora Xanthopoulos') continue;
    expect(everything, `${name} on Aylin's page`).not.toContain(name);
  }

  // Usable by everyone: no serious or critical axe-core findings.
  const findings = (await audit(m)).filter(isSerious).map((finding) => finding.id);
  expect(findings).toEqual([]);

  await m.getByTestId('page-me').selectOption({ label: 'Aylin Korkmaz' });
  await m.getByTestId('page-meeting-topics').fill('Bewerbung auf die Sachgebietsleitung besprochen');
  await m.getByTestId('page-meeting-next').fill('Anschreiben entwerfen');
  await m.getByTestId('page-meeting-submit').click();
  await expect(m.getByTestId('page-meeting')).toHaveCount(1);
  await m.getByTestId('page-goal-text').fill('Eine Führungsposition übernehmen');
  await m.getByTestId('page-goal-submit').click();
  await expect(m.getByTestId('page-goal')).toHaveCount(1);
  await expect(m.getByTestId('page-sync-status')).toHaveText('Abgeglichen');

  // The next meeting is due one rhythm after this one, and the calendar
  // file reminds the pair of it without any push service.
  await expect(m.getByTestId('page-next-meeting')).toContainText('Ihr nächstes Treffen ist bis');
  const calendar = await saveDownload(m, () => m.getByTestId('page-calendar').click());
  expect(calendar.name).toBe('tandem.ics');
  const ics = readFileSync(calendar.path, 'utf8').replace(/\r\n /g, '');
  expect(ics).toContain('SUMMARY:Tandem-Treffen fällig');
  expect(ics).toMatch(/RRULE:FREQ=DAILY;INTERVAL=\d+;UNTIL=\d{8}/);
  expect(ics).toContain('BEGIN:VALARM');

  // The coordinator sees both, live.
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await expect(a.getByTestId('page-meeting')).toContainText('Bewerbung auf die Sachgebietsleitung besprochen');
  await expect(a.getByTestId('page-meeting')).toContainText('Eingetragen von Aylin Korkmaz');
  await expect(a.getByTestId('page-goal')).toContainText('Eine Führungsposition übernehmen');
  await workspace.tab('nav-dashboard');
  await expect(a.getByTestId('quiet-tandems')).toContainText('Alle Tandems mit Tandem-Seite');

  // After the first open the page works offline, from this phone's storage
  // (the link is no longer in the address: what was sealed opens it).
  await phone.setOffline(true);
  await m.reload();
  await expect(m.getByTestId('page-meeting')).toHaveCount(1);
  const key = new URL(link).hash.match(/key=([^&]+)/)![1];
  const kept = await m.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href);
  expect(kept, 'the room key is kept nowhere in plain').not.toContain(key);
  await phone.setOffline(false);
  await expect(m.getByTestId('page-sync-status')).toHaveText('Abgeglichen', { timeout: 15_000 });

  // Ending the tandem moves the page to a new room.
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await a.getByTestId('tandem-end-completed').check();
  await a.getByTestId('tandem-end-submit').click();
  await expect(a.getByTestId('tandem-status')).toContainText('abgeschlossen');
  await expect(a.getByTestId('page-personal-link').filter({ hasText: 'Link für Aylin Korkmaz' }).getByTestId('page-personal-link-url')).not.toHaveValue(link);
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  // The old room is retired: the old link is told, hears nothing of the
  // ending, and what is written there stays there.
  await expect(m.getByTestId('page-sync-status')).toContainText('Dieser Link gilt nicht mehr');
  await expect(m.getByTestId('page-period')).toContainText('läuft');
  await m.getByTestId('page-meeting-topics').fill('Nach dem Ende eingetragen');
  await m.getByTestId('page-meeting-submit').click();
  await expect(m.getByTestId('page-meeting')).toHaveCount(2);
  await a.waitForTimeout(1500);
  await expect(a.getByTestId('page-meeting')).toHaveCount(1);
});
