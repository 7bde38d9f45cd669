// Joining by file at a workshop without network: Köln saves a request to
// join and shows its fingerprint; Düsseldorf, an admin and offline, opens
// the request, compares the fingerprint and saves the approval file; Köln
// opens it and has the programme at once, to work on offline. Köln's
// changes go out only once Düsseldorf's browser is online again and has
// entered Köln's device in the member list; then edits flow both ways. A
// request changed on its way is refused, and so is an approval opened by a
// browser that did not ask.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { allowFor, expect, test } from './fixtures/test';
import { shareLive } from './fixtures/access';
import { saveDownload } from './fixtures/download';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = { ...duesseldorfKoeln, name: 'Werkstatt ohne Netz 2027' };

/** Screenshots for the record, where asked for. */
async function keepPicture(page: Page, testid: string, name: string) {
  const folder = process.env.TANDEM_SCREENSHOTS;
  if (!folder) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId(testid).screenshot({ path: `${folder}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('a device joins by file without network and syncs once the admin is back online', async ({ browser }) => {
  allowFor(180_000);
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();

  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);
  await a.getByTestId('nav-exchange').click();
  await a.getByTestId('share-organisation').fill('Landeshauptstadt Düsseldorf');
  await shareLive(a);

  // Köln has Tandem open; then the workshop has no network.
  await b.goto('/');
  await expect(b.getByTestId('join-request-save')).toBeVisible();
  await duesseldorf.setOffline(true);
  await koeln.setOffline(true);
  await expect(a.getByTestId('sync-status')).toContainText('Offline');

  // Köln saves a request to join; its screen shows the fingerprint.
  await b.getByTestId('join-author').fill('Karla Köln');
  await b.getByTestId('join-organisation').fill('Stadt Köln');
  const request = await saveDownload(b, () => b.getByTestId('join-request-save').click());
  expect(request.name).toBe('beitrittsanfrage.tandem');
  await expect(b.getByTestId('join-request-fingerprint')).toContainText('Fingerabdruck dieses Geräts');
  const shown = (await b.getByTestId('join-request-fingerprint').textContent()) ?? '';
  const fingerprint = /[0-9A-F]{4}(-[0-9A-F]{4}){3}/.exec(shown)?.[0] ?? '';
  expect(fingerprint).not.toBe('');
  await keepPicture(b, 'join-panel', 'join-by-file-request');

  // A request changed on its way (another name under Köln's signature) is
  // refused.
  const bytes = readFileSync(request.path);
  const changed = Buffer.from(bytes.toString('latin1').replace('Karla', 'Mallo'), 'latin1');
  expect(changed.equals(bytes)).toBe(false);
  await a.getByTestId('access-request-file').setInputFiles({ name: 'anfrage.tandem', mimeType: 'application/octet-stream', buffer: changed });
  await expect(a.getByTestId('share-error')).toContainText('nach dem Speichern verändert');
  await expect(a.getByTestId('access-file-request')).toHaveCount(0);

  // Düsseldorf, offline, opens the request, compares and approves.
  await a.getByTestId('access-request-file').setInputFiles(request.path);
  await expect(a.getByTestId('access-file-request')).toContainText(
    `Karla Köln, Stadt Köln möchte beitreten – Fingerabdruck ${fingerprint}`,
  );
  await keepPicture(a, 'share', 'join-by-file-approve');
  const approval = await saveDownload(a, () => a.getByTestId('access-file-approve').click());
  expect(approval.name).toMatch(/^Werkstatt-ohne-Netz-2027-freigabe-\d{4}-\d{2}-\d{2}\.tandem$/);
  await expect(a.getByTestId('access-admitting')).toContainText(`Karla Köln, Stadt Köln – Fingerabdruck ${fingerprint}`);
  await expect(a.getByTestId('access-member')).toHaveCount(1);

  // A browser that did not ask cannot use the approval.
  const stranger = await browser.newContext({ locale: 'de-DE' });
  const c = await stranger.newPage();
  await c.goto('/');
  await c.getByTestId('join-author').fill('Mallory Mitleser');
  await c.getByTestId('join-file').setInputFiles(approval.path);
  await expect(c.getByTestId('join-error')).toContainText('keine Beitrittsanfrage gespeichert');
  await expect(c.getByTestId('programme-card')).toHaveCount(0);
  await stranger.close();

  // Köln opens the approval: the programme is here, offline.
  await b.getByTestId('join-file').setInputFiles(approval.path);
  await expect(b.getByTestId('join-done')).toContainText(programme.name);
  await new ProgrammePage(b).openFromList(programme.name);
  await new ProgrammePage(b).addPerson('Kai Köln');

  // Köln is online first: its device is in no entry of the list yet, and
  // it says what it waits for.
  await koeln.setOffline(false);
  await expect(b.getByTestId('sync-status')).toContainText('Per Datei freigegeben', { timeout: 20_000 });

  // Düsseldorf is back: its browser enters Köln's device, and Köln's
  // change arrives; Düsseldorf's reaches Köln.
  await duesseldorf.setOffline(false);
  await expect(a.getByTestId('access-member').filter({ hasText: fingerprint })).toContainText('Stadt Köln', { timeout: 20_000 });
  await expect(a.getByTestId('access-admitting')).toHaveCount(0);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen', { timeout: 45_000 });
  await new ProgrammePage(a).expectPerson('Kai Köln', 20_000);
  await new ProgrammePage(a).addPerson('Dana Düssel');
  await new ProgrammePage(b).expectPerson('Dana Düssel', 20_000);
});
