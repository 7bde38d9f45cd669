// The live-sync journey, shared by the journey over plain HTTP on this
// computer (live-sync.spec.ts) and the one through a TLS proxy
// (tls/live-sync.tls.ts): Düsseldorf shares the programme live, Köln joins
// by an invitation and is approved, and changes flow both ways within
// seconds, through a relay that stores only ciphertext. Köln goes offline,
// keeps working, and everything arrives after reconnecting; an invitation
// with a wrong secret is refused with a reason.
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { expect } from '../fixtures/test';
import { ProgrammesPage } from '../pages/programmes-page';
import { ProgrammePage } from '../pages/programme-page';
import { duesseldorfKoeln } from '../fixtures/programmes';
import { askToJoin, approve, invite, shareLive } from '../fixtures/access';

const programme = duesseldorfKoeln;

async function expectPerson(page: Page, name: string) {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('people-search').fill(name);
  await expect(page.getByTestId('person-row').filter({ hasText: name })).toHaveCount(1, { timeout: 10_000 });
  await page.getByTestId('people-search').fill('');
}

function relayBytes(): Buffer {
  const database = process.env.TANDEM_E2E_RELAY_DB ?? '';
  expect(database, 'the relay database of this run').not.toBe('');
  return Buffer.concat(
    [database, `${database}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
  );
}

/** What the journey checks beyond the app itself. */
export interface Checks {
  /** Every page is a secure context and the WebSocket goes over TLS. */
  secure?: boolean;
}

export async function liveSyncJourney(browser: Browser, checks: Checks = {}) {
  const duesseldorf = await browser.newContext({ locale: 'de-DE' });
  const koeln = await browser.newContext({ locale: 'de-DE' });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const sockets: string[] = [];
  for (const page of [a, b]) page.on('websocket', (socket) => sockets.push(socket.url()));

  // Düsseldorf creates the programme: it lives on this device only.
  const aProgrammes = new ProgrammesPage(a);
  await aProgrammes.open();
  await aProgrammes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);
  await expect(a.getByTestId('sync-status')).toHaveText('Nur auf diesem Gerät');

  // Shared live: an invitation carries the room and a single-use secret
  // after the '#', no key.
  await shareLive(a);
  const link = await invite(a);
  expect(link).toMatch(/\/join#room=[0-9a-f]{32}&invitation=[\w-]+&secret=[\w-]+&genesis=[\w-]+&expires=\d+$/);

  // Köln opens the link, asks, and is approved.
  const karla = { name: 'Karla Köln', organisation: 'Stadt Köln' };
  await approve(a, karla, await askToJoin(b, link, karla));
  await expect(b.getByTestId('programme-title')).toHaveText(programme.name);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');

  // A change in Düsseldorf appears in Köln without a file or a reload.
  await new ProgrammePage(a).addPerson('Dana Düssel');
  await expectPerson(b, 'Dana Düssel');

  // Köln goes offline and keeps working; the header says what waits.
  await koeln.setOffline(true);
  await expect(b.getByTestId('sync-status')).toContainText('Offline');
  await new ProgrammePage(b).addPerson('Kim Kölsch');
  await expect(b.getByTestId('sync-status')).toHaveText(/Offline – \d+ Änderung(en)? wart/);
  await new ProgrammePage(a).addPerson('Ole Ost');

  // Back online, both sides have everything.
  await koeln.setOffline(false);
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen', { timeout: 15_000 });
  await expectPerson(a, 'Kim Kölsch');
  await expectPerson(b, 'Ole Ost');

  // After a reload Köln still has it all and syncs again.
  await b.reload();
  await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await new ProgrammePage(b).addPerson('Lea Lindenthal');
  await expectPerson(a, 'Lea Lindenthal');

  // The relay stored only ciphertext: no name, not even the programme's.
  const stored = relayBytes();
  expect(stored.length).toBeGreaterThan(0);
  for (const name of ['Dana Düssel', 'Kim Kölsch', 'Ole Ost', 'Lea Lindenthal', 'Karla Köln', programme.name]) {
    expect(stored.includes(Buffer.from(name, 'utf8')), `${name} in the relay's database`).toBe(false);
  }

  // An invitation whose secret was changed is refused, with the reason.
  await a.getByTestId('nav-exchange').click();
  const fresh = await invite(a);
  const wrongSecret = fresh.replace(/secret=[\w-]+/, `secret=${'A'.repeat(43)}`);
  const c = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  await c.goto(wrongSecret);
  await c.getByTestId('join-link-author').fill('Unbekannt');
  await c.getByTestId('join-link-organisation').fill('Unbekannt');
  await c.getByTestId('join-link-submit').click();
  await expect(c.getByTestId('join-link-error')).toContainText('Die Einladung ist schon benutzt, abgelaufen oder gehört nicht zu diesem Programm');

  // A damaged link says so before anything is sent.
  await c.goto('/join#room=123');
  await expect(c.getByTestId('join-link-error')).toContainText('unvollständig oder beschädigt');
  await expect(c.getByTestId('join-link-submit')).toBeDisabled();

  if (checks.secure) {
    for (const page of [a, b, c]) {
      expect(await page.evaluate(() => window.isSecureContext), page.url()).toBe(true);
    }
    expect(link).toMatch(/^https:\/\//);
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of sockets) expect(url).toMatch(/^wss:\/\//);
  }
}
