// Access by device: Düsseldorf shares the programme and invites Köln; Köln
// introduces itself and is approved by fingerprint before it reads
// anything; a third browser with the same, now used, link is refused with
// a message. Düsseldorf removes Köln: Düsseldorf's next edit no longer
// reaches Köln, and Köln says why; the application link gets a new key
// that Köln never learns, and the old link takes nothing more. The history
// names, for each change, the coordinator the member list gives for the
// device that signed it, not the name the change gives itself. A declined
// request is told so and stays declined for every admin; a device that
// stops sharing leaves, and the programme gets a new key without it.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { askToJoin, approve, invite, joinApproved, shareLive } from './fixtures/access';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';

// A name of its own: the application form it publishes shows the
// programme's name on the relay, as a public form does, and the live-sync
// journey searches the shared relay's database for duesseldorfKoeln's.
const programme = { ...duesseldorfKoeln, name: 'Geräte und Zugang 2027' };
const karla = { name: 'Karla Köln', organisation: 'Stadt Köln' };

function personRow(page: Page, name: string) {
  return page.getByTestId('person-row').filter({ hasText: name });
}

/** Screenshots of the share panel for the record, where asked for. */
async function keepPicture(page: Page, name: string) {
  const folder = process.env.TANDEM_SCREENSHOTS;
  if (!folder) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId('share').screenshot({ path: `${folder}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Screenshots of the history with checked names, where asked for. */
async function keepHistoryPicture(page: Page) {
  const folder = process.env.TANDEM_SCREENSHOTS;
  if (!folder) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${folder}/history-checked-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('a device joins only after approval, a used link is refused, a removed device hears nothing new', async ({
  browser,
}) => {
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const third = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const c = await third.newPage();

  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);

  // Düsseldorf shares: this device is the first admin; an invitation is
  // single-use, expires, and holds no key.
  await a.getByTestId('nav-exchange').click();
  await a.getByTestId('share-organisation').fill('Landeshauptstadt Düsseldorf');
  await shareLive(a);
  await expect(a.getByTestId('access-member')).toHaveCount(1);
  await expect(a.getByTestId('access-member')).toContainText('Landeshauptstadt Düsseldorf');
  await expect(a.getByTestId('access-member')).toContainText('Petra Probe (dieses Gerät)');
  await expect(a.getByTestId('access-member')).toContainText('Administrator:in');
  const link = await invite(a);
  expect(link).toMatch(/\/join#room=[0-9a-f]{32}&invitation=[\w-]+&secret=[\w-]+&genesis=[\w-]+&expires=\d+$/);
  expect(link).not.toContain('key=');
  await expect(a.getByTestId('access-invitation-expires')).toHaveText(/^gültig bis \d{1,2}\. \S+, \d{2}:\d{2}$/);
  await keepPicture(a, 'share-panel');

  // Köln opens the link and asks; it reads nothing yet. A reload goes on
  // waiting as the same device.
  const fingerprint = await askToJoin(b, link, karla);
  await expect(b.getByTestId('programme-title')).toHaveCount(0);
  await b.reload();
  await expect(b.getByTestId('join-fingerprint')).toHaveText(fingerprint);

  // Düsseldorf sees who asks, with the same fingerprint, and approves.
  await a.getByTestId('nav-exchange').click();
  await expect(a.getByTestId('access-request')).toContainText(
    `Karla Köln, Stadt Köln möchte beitreten – Fingerabdruck ${fingerprint}`,
  );
  await keepPicture(a, 'approval-request');
  await approve(a, karla, fingerprint);
  await expect(b.getByTestId('programme-title')).toHaveText(programme.name);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');
  const koelnRow = a.getByTestId('access-member').filter({ hasText: fingerprint });
  await expect(koelnRow).toContainText('Stadt Köln');
  await expect(koelnRow).toContainText('Koordinator:in');
  await expect(koelnRow).toContainText('von Petra Probe');

  // The used link introduces nobody else.
  await c.goto(link);
  await c.getByTestId('join-link-author').fill('Mallory Mitleser');
  await c.getByTestId('join-link-organisation').fill('Unbekannt');
  await c.getByTestId('join-link-submit').click();
  await expect(c.getByTestId('join-link-error')).toContainText('Die Einladung ist schon benutzt');
  await a.getByTestId('nav-exchange').click();
  await expect(a.getByTestId('access-request')).toHaveCount(0);

  // Changes flow both ways between the members.
  await new ProgrammePage(a).addPerson('Dana Düssel');
  await b.getByTestId('nav-people').click();
  await expect(personRow(b, 'Dana Düssel')).toHaveCount(1);
  await new ProgrammePage(b).addPerson('Kim Kölsch');
  await a.getByTestId('nav-people').click();
  await expect(personRow(a, 'Kim Kölsch')).toHaveCount(1);

  // Who made a change is what the member list says of the device that
  // signed it. Köln's browser gives its next change the name of
  // Düsseldorf's coordinator; Düsseldorf's history still names Karla from
  // Köln, checked. What was written before the device list is marked as
  // not checked.
  await b.evaluate(() => {
    const settings = JSON.parse(localStorage.getItem('tandem.settings') ?? '{}');
    settings.coordinator = { ...settings.coordinator, name: 'Petra Probe' };
    localStorage.setItem('tandem.settings', JSON.stringify(settings));
  });
  await new ProgrammePage(b).addPerson('Lea Lüge');
  await a.getByTestId('nav-people').click();
  await expect(personRow(a, 'Lea Lüge')).toHaveCount(1);
  await a.getByTestId('nav-history').click();
  await a.getByTestId('history-filter').selectOption({ label: 'Lea Lüge' });
  const byKoeln = a.getByTestId('history-entry').first();
  await expect(byKoeln).toContainText('Karla Köln (Stadt Köln): hat die Bewerbung erfasst');
  await expect(byKoeln).not.toContainText('Petra Probe');
  await expect(byKoeln.getByTestId('author-checked')).toHaveText('✓ geprüft');
  // Every name shown is checked: nothing to explain.
  await expect(a.getByTestId('history-entry')).toHaveCount(1);
  await expect(a.getByTestId('author-unchecked-why')).toHaveCount(0);
  await a.getByTestId('history-filter').selectOption({ label: 'Dana Düssel' });
  const own = a.getByTestId('history-entry').first();
  await expect(own).toContainText('Petra Probe (Landeshauptstadt Düsseldorf): hat die Bewerbung erfasst');
  await expect(own.getByTestId('author-checked')).toBeVisible();
  await a.getByTestId('history-filter').selectOption('');
  const founding = a.getByTestId('history-entry').last();
  await expect(founding).toContainText('Petra Probe: hat das Programm angelegt');
  await expect(founding.getByTestId('author-unchecked')).toHaveText('(Name nicht geprüft)');
  await expect(a.getByTestId('author-unchecked-why')).toContainText(
    '„Name nicht geprüft“ heißt: Kein Gerät der Mitgliederliste hat diese Änderung mit seiner Unterschrift',
  );
  await keepHistoryPicture(a);

  // Köln is no admin: it cannot make a new version that would replace
  // the programme for everyone (forgetting a person); nothing changes.
  await b.getByTestId('nav-people').click();
  await personRow(b, 'Dana Düssel').getByRole('link').first().click();
  await expect(b.getByTestId('person-heading')).toHaveText('Dana Düssel');
  await b.getByTestId('forget-person').click();
  await b.getByTestId('forget-confirm').click();
  await expect(b.getByTestId('forget-outcome-error')).toContainText('nur eine Administrator:in');
  await expect(b.getByTestId('person-heading')).toHaveText('Dana Düssel');
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await a.getByTestId('nav-people').click();
  await expect(personRow(a, 'Dana Düssel')).toHaveCount(1);

  // Düsseldorf publishes the application form; Köln receives its link.
  await a.getByTestId('nav-settings').click();
  await a.getByTestId('intake-link-publish').click();
  await expect(a.getByTestId('intake-link-outcome-done')).toBeVisible();
  const oldLink = await a.getByTestId('intake-link-url').inputValue();
  await b.getByTestId('nav-settings').click();
  await expect(b.getByTestId('intake-link-url')).toHaveValue(oldLink);

  // Düsseldorf removes Köln, after being told what Köln keeps.
  await a.getByTestId('nav-exchange').click();
  await koelnRow.getByTestId('access-remove').click();
  await expect(a.getByTestId('access-remove-confirm')).toContainText('behält es');
  await a.getByTestId('access-remove-yes').click();
  await expect(a.getByTestId('access-member')).toHaveCount(1);
  // Köln knew the application link's keys: the link is renewed by itself.
  await expect(a.getByTestId('share-done')).toContainText('Bewerbungslink hat einen neuen Schlüssel');
  await a.getByTestId('nav-settings').click();
  const newLink = await a.getByTestId('intake-link-url').inputValue();
  expect(newLink).toMatch(/\/bewerben#inbox=[0-9a-f]{32}&key=[A-Za-z0-9_-]{43}$/);
  expect(newLink).not.toEqual(oldLink);
  // The old link's inbox takes no application any more.
  const oldInbox = oldLink.match(/inbox=([0-9a-f]{32})/)![1];
  const refused = await b.request.post(new URL(`/inbox/${oldInbox}`, oldLink).toString(), {
    data: Buffer.alloc(64),
    headers: { 'content-type': 'application/octet-stream', origin: new URL(oldLink).origin },
  });
  expect([404, 410]).toContain(refused.status());

  // Köln is refused with a message and keeps what it had.
  await expect(b.getByTestId('sync-status')).toContainText('nicht (mehr) Mitglied');
  await b.getByTestId('nav-people').click();
  await expect(personRow(b, 'Dana Düssel')).toHaveCount(1);

  // Düsseldorf's next edit reaches the relay, and not Köln, also after a
  // reload there.
  await new ProgrammePage(a).addPerson('Ole Ost');
  await expect(a.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await b.reload();
  await expect(b.getByTestId('sync-status')).toContainText('nicht (mehr) Mitglied');
  await b.getByTestId('nav-people').click();
  await expect(personRow(b, 'Dana Düssel')).toHaveCount(1);
  await expect(personRow(b, 'Ole Ost')).toHaveCount(0);
  // Köln's own edit stays in Köln, with the message, and never reaches
  // Düsseldorf.
  await new ProgrammePage(b).addPerson('Rita Raus');
  await expect(b.getByTestId('sync-status')).toContainText('nicht (mehr) Mitglied');
  await a.getByTestId('nav-people').click();
  await expect(personRow(a, 'Ole Ost')).toHaveCount(1);
  await a.waitForTimeout(1000);
  await expect(personRow(a, 'Rita Raus')).toHaveCount(0);
  // Köln still shows the old link: the new inbox and key never reached it.
  await b.getByTestId('nav-settings').click();
  await expect(b.getByTestId('intake-link-url')).toHaveValue(oldLink);

  await Promise.all([duesseldorf.close(), koeln.close(), third.close()]);
});

test('a declined device is told so, and a device that stops sharing leaves the key behind', async ({ browser }) => {
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const bonn = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const c = await bonn.newPage();
  const named = { ...duesseldorfKoeln, name: 'Absagen und Abschied 2027' };
  const otto = { name: 'Otto Bonn', organisation: 'Bundesstadt Bonn' };

  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(named);
  await new ProgrammePage(a).openFromList(named.name);
  await a.getByTestId('nav-exchange').click();
  await a.getByTestId('share-organisation').fill('Landeshauptstadt Düsseldorf');
  await shareLive(a);
  await expect(a.getByTestId('access-key')).toHaveAttribute('data-epoch', '0');
  await expect(a.getByTestId('access-key')).toContainText('Nur die Geräte in dieser Liste');

  // Düsseldorf declines Köln's request: Köln is told, and no admin sees
  // the request again (it is in the signed list, not only in this tab).
  const declinedLink = await invite(a);
  const fingerprint = await askToJoin(b, declinedLink, karla);
  const request = a.getByTestId('access-request').filter({ hasText: fingerprint });
  await request.getByTestId('access-decline').click();
  await expect(a.getByTestId('share-done')).toContainText('Die Anfrage ist abgelehnt');
  await expect(b.getByTestId('join-link-error')).toContainText('hat die Beitrittsanfrage dieses Geräts abgelehnt');
  await expect(b.getByTestId('programme-title')).toHaveCount(0);
  await a.reload();
  await a.getByTestId('nav-exchange').click();
  await expect(a.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await expect(a.getByTestId('access-request')).toHaveCount(0);

  // Bonn joins, then stops sharing on its own device: Düsseldorf starts a
  // new key without Bonn by itself.
  await joinApproved(a, c, otto, named.name);
  await expect(a.getByTestId('access-member')).toHaveCount(2);
  await c.getByTestId('nav-exchange').click();
  await c.getByTestId('share-stop').click();
  await expect(c.getByTestId('share-done')).toContainText('braucht dieses Gerät eine neue Einladung');
  await expect(a.getByTestId('access-member')).toHaveCount(1);
  await expect(a.getByTestId('access-key')).toHaveAttribute('data-epoch', '1');
  await expect(a.getByTestId('access-key')).not.toContainText('sobald eine Administrator:in verbunden ist');
  await new ProgrammePage(a).addPerson('Nach Bonn');
  await expect(a.getByTestId('sync-status')).toHaveText('Abgeglichen');

  await Promise.all([duesseldorf.close(), koeln.close(), bonn.close()]);
});
