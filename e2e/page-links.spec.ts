// One personal link per person of a tandem page, each revocable on its
// own: the coordinator revokes the mentor's link. The mentee's phone
// follows the page to its new room by itself and goes on syncing; the
// mentor's old link says it was revoked and receives nothing new; the
// mentor's new link opens the page with everything. Opened for the first
// time after the revocation, the mentee's old link still finds the page;
// the mentor's old link finds nothing.
import type { Page } from '@playwright/test';
import { expect, allowFor, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { windows1252Csv } from './fixtures/people';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = { ...duesseldorfKoeln, name: 'Persönliche Links 2027' };

/** Screenshots of the page panel with its links, where asked for. */
async function keepPicture(page: Page, name = 'page-links') {
  const folder = process.env.TANDEM_SCREENSHOTS;
  if (!folder) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId('page-panel').screenshot({ path: `${folder}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Aylin and Nora's tandem in a new programme `name`, with its page set
 * up and shared; ends on the tandem's page. */
async function setUpPage(a: Page, name: string) {
  const programmes = new ProgrammesPage(a);
  const workspace = new ProgrammePage(a);
  await programmes.open();
  await programmes.create({ ...programme, name });
  await workspace.openFromList(name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await a.getByTestId('import-submit').click();
  await expect(a.getByTestId('import-done')).toBeVisible();
  for (const person of ['Aylin Korkmaz', 'Nora Xanthopoulos']) {
    await workspace.openPerson(person);
    await workspace.accept();
  }
  await workspace.tab('nav-tandems');
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await a.getByTestId('page-set-up').click();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
}

/** The field with the personal link of `name` on the coordinator's page panel. */
function personalLink(a: Page) {
  return (name: string) =>
    a.getByTestId('page-personal-link').filter({ hasText: `Link für ${name}` }).getByTestId('page-personal-link-url');
}

test('a revoked personal link reads nothing new, and the others follow the page', async ({ browser }) => {
  allowFor(180_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const menteePhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const mentorPhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const mentorNewPhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const a = await office.newPage();
  const mentee = await menteePhone.newPage();
  const mentor = await mentorPhone.newPage();

  await setUpPage(a, programme.name);

  // A link for each person, each with a secret of its own.
  const links = a.getByTestId('page-personal-link');
  await expect(links).toHaveCount(2);
  const linkOf = personalLink(a);
  const aylinLink = await linkOf('Aylin Korkmaz').inputValue();
  const noraLink = await linkOf('Nora Xanthopoulos').inputValue();
  expect(aylinLink).toMatch(/\/tandem#room=[0-9a-f]{32}&key=[\w-]+&holder=[\w-]{43}$/);
  // The room is one only the coordinator's browser can retire (its id is
  // marked as owned, see crates/sync/src/owner.rs); its secret is in no link.
  expect(aylinLink).toContain('room=0a11ce5e');
  expect(noraLink).not.toEqual(aylinLink);

  await mentee.goto(aylinLink);
  await expect(mentee.getByTestId('page-member')).toHaveCount(2);
  await mentor.goto(noraLink);
  await expect(mentor.getByTestId('page-member')).toHaveCount(2);
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(mentor.getByTestId('page-sync-status')).toHaveText('Abgeglichen');

  // The coordinator revokes Nora's link.
  await links.filter({ hasText: 'Link für Nora Xanthopoulos' }).getByTestId('page-revoke').click();
  await expect(a.getByTestId('page-panel-done')).toContainText('Der Link für Nora Xanthopoulos ist gesperrt');
  await expect(linkOf('Nora Xanthopoulos')).not.toHaveValue(noraLink);
  await expect(linkOf('Aylin Korkmaz')).not.toHaveValue(aylinLink);
  const noraNewLink = await linkOf('Nora Xanthopoulos').inputValue();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await keepPicture(a);

  // Nora's old link is told, and keeps what it had.
  await expect(mentor.getByTestId('page-sync-status')).toContainText('Dieser Link gilt nicht mehr');
  await expect(mentor.getByTestId('page-member')).toHaveCount(2);

  // Aylin's phone follows by itself; what she writes reaches the
  // coordinator and not Nora's old link.
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await mentee.getByTestId('page-me').selectOption({ label: 'Aylin Korkmaz' });
  await mentee.getByTestId('page-meeting-topics').fill('Nach dem Sperren eingetragen');
  await mentee.getByTestId('page-meeting-submit').click();
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(a.getByTestId('page-meeting')).toContainText('Nach dem Sperren eingetragen');
  await mentor.waitForTimeout(1500);
  await expect(mentor.getByTestId('page-meeting')).toHaveCount(0);
  // After a reload too.
  await mentor.reload();
  await expect(mentor.getByTestId('page-member')).toHaveCount(2);
  await mentor.waitForTimeout(1500);
  await expect(mentor.getByTestId('page-meeting')).toHaveCount(0);

  // Nora's new link opens the page with everything.
  const fresh = await mentorNewPhone.newPage();
  await fresh.goto(noraNewLink);
  await expect(fresh.getByTestId('page-meeting')).toContainText('Nach dem Sperren eingetragen');

  // A phone that never opened the page: Aylin's old link still finds
  // it, through the retired room; Nora's old link is told it was revoked
  // and shows nothing of the page.
  const laptop = await browser.newContext({ locale: 'de-DE' });
  const stranger = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const aylinLater = await laptop.newPage();
  await aylinLater.goto(aylinLink);
  await expect(aylinLater.getByTestId('page-meeting')).toContainText('Nach dem Sperren eingetragen');
  const forwarded = await stranger.newPage();
  await forwarded.goto(noraLink);
  await expect(forwarded.getByTestId('page-error')).toHaveText(
    'Dieser Link gilt nicht mehr: Ihre Koordinator:in hat ihn gesperrt. Bitten Sie um einen neuen Link.',
  );
  await expect(forwarded.getByTestId('page-member')).toHaveCount(0);

  await Promise.all([
    office.close(),
    menteePhone.close(),
    mentorPhone.close(),
    mentorNewPhone.close(),
    laptop.close(),
    stranger.close(),
  ]);
});

// Forgetting a co-mentor starts the tandem's page afresh: the page as it
// stands, without her and with none of its history, moves to a new room.
// The mentee's phone follows by itself and takes the fresh page in place
// of its own; the co-mentor's link reads nothing new; her meeting stays in
// the tandem's log without her name.
const coMentorSheet = [
  'Name;Rolle;Organisation;E-Mail;Themen;Verfügbarkeit;Ort;Stand',
  'Aylin Korkmaz;Mentee;Stadt Köln;aylin.korkmaz@example.org;Führung;Di und Do abends;Köln;angenommen',
  'Nora Xanthopoulos;Mentorin;Landeshauptstadt Düsseldorf;nora.x@example.org;Führung;Dienstag ab 18 Uhr;Düsseldorf;angenommen',
  'Ida Vogel;Co-Mentorin;Stadt Köln;ida.vogel@example.org;Haushalt;Mo vormittags;Köln;angenommen',
].join('\r\n');

test('forgetting a co-mentor starts the page afresh; the pair follow, her link does not', async ({ browser }) => {
  allowFor(180_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const menteePhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const coMentorPhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const a = await office.newPage();
  const mentee = await menteePhone.newPage();
  const ida = await coMentorPhone.newPage();

  const programmes = new ProgrammesPage(a);
  const workspace = new ProgrammePage(a);
  await programmes.open();
  await programmes.create({ ...programme, name: 'Co-Mentoring 2027' });
  await workspace.openFromList('Co-Mentoring 2027');
  await workspace.tab('nav-settings');
  await a.getByTestId('rules-co-mentors').check();
  await a.getByTestId('rules-submit').click();
  await workspace.importFile('co-mentoring.csv', Buffer.from(coMentorSheet + '\r\n', 'utf8'));
  await a.getByTestId('import-submit').click();
  await expect(a.getByTestId('import-done')).toHaveText('3 Personen importiert.');
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-co-mentor').selectOption({ label: 'Ida Vogel (Stadt Köln)' });
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  const row = a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' });
  await expect(row).toContainText('Ida Vogel');
  await row.getByRole('link').first().click();
  await a.getByTestId('page-set-up').click();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  const links = a.getByTestId('page-personal-link');
  await expect(links).toHaveCount(3);
  const linkOf = (name: string) =>
    links.filter({ hasText: `Link für ${name}` }).getByTestId('page-personal-link-url');
  const aylinLink = await linkOf('Aylin Korkmaz').inputValue();
  const idaLink = await linkOf('Ida Vogel').inputValue();

  // Ida logs a meeting on her phone; Aylin's phone has it too.
  await ida.goto(idaLink);
  await expect(ida.getByTestId('page-member')).toHaveCount(3);
  await ida.getByTestId('page-me').selectOption({ label: 'Ida Vogel' });
  await ida.getByTestId('page-meeting-topics').fill('Haushaltsplanung mit Ida');
  await ida.getByTestId('page-meeting-submit').click();
  await expect(ida.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await mentee.goto(aylinLink);
  await expect(mentee.getByTestId('page-member')).toHaveCount(3);
  await expect(mentee.getByTestId('page-meeting')).toContainText('Eingetragen von Ida Vogel');
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(a.getByTestId('page-meeting')).toContainText('Haushaltsplanung mit Ida');

  // The coordinator forgets Ida.
  await workspace.openPerson('Ida Vogel');
  await a.getByTestId('forget-person').click();
  await a.getByTestId('forget-confirm').click();
  await workspace.tab('nav-people');
  await expect(a.getByTestId('person-row').filter({ hasText: 'Ida Vogel' })).toHaveCount(0);

  // Aylin's phone follows to the fresh page: two members, no name of
  // Ida's anywhere, her meeting kept without it; it syncs on.
  await expect(mentee.getByTestId('page-member')).toHaveCount(2, { timeout: 20_000 });
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(mentee.locator('main')).not.toContainText('Ida Vogel');
  await expect(mentee.getByTestId('page-meeting')).toContainText('Haushaltsplanung mit Ida');
  await expect(mentee.getByTestId('page-meeting')).toContainText('Eingetragen von einem früheren Mitglied des Tandems');
  await mentee.getByTestId('page-me').selectOption({ label: 'Aylin Korkmaz' });
  await mentee.getByTestId('page-meeting-topics').fill('Nach dem Löschen eingetragen');
  await mentee.getByTestId('page-meeting-submit').click();
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await mentee.reload();
  await expect(mentee.getByTestId('page-member')).toHaveCount(2);
  await expect(mentee.getByTestId('page-meeting')).toHaveCount(2);

  // The coordinator's page is the fresh one, and receives what Aylin wrote.
  await workspace.tab('nav-tandems');
  await a.getByTestId('tandem-row').filter({ hasText: 'Aylin Korkmaz' }).getByRole('link').first().click();
  await expect(a.getByTestId('page-meeting').filter({ hasText: 'Nach dem Löschen eingetragen' })).toHaveCount(1);
  await expect(links).toHaveCount(2);
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');

  // Ida's link reads nothing new, now or opened afresh.
  await expect(ida.getByTestId('page-sync-status')).toContainText('Dieser Link gilt nicht mehr');
  await expect(ida.getByTestId('page-meeting')).toHaveCount(1);
  const stranger = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  const forwarded = await stranger.newPage();
  await forwarded.goto(idaLink);
  await expect(forwarded.getByTestId('page-error')).toContainText('Dieser Link gilt nicht mehr');
  await expect(forwarded.getByTestId('page-member')).toHaveCount(0);
  // Aylin's old link, on a phone that never had the page, finds the
  // fresh one.
  const laptop = await browser.newContext({ locale: 'de-DE' });
  const aylinLater = await laptop.newPage();
  await aylinLater.goto(aylinLink);
  await expect(aylinLater.getByTestId('page-meeting')).toHaveCount(2);
  await expect(aylinLater.locator('main')).not.toContainText('Ida Vogel');

  await Promise.all([office.close(), menteePhone.close(), coMentorPhone.close(), stranger.close(), laptop.close()]);
});

// A page shared before rooms had owners sits in a room any valid link may
// retire (see crates/sync/src/owner.rs). The coordinator's page panel says
// so and offers the move to a protected room; the participants' personal
// links follow by themselves and go on syncing.
test('a page still in a room from before rooms had owners moves to a protected one, its links following', async ({ browser }) => {
  allowFor(180_000);
  const office = await browser.newContext({ locale: 'de-DE' });
  const menteePhone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  let a = await office.newPage();
  const mentee = await menteePhone.newPage();
  await setUpPage(a, 'Aus früherer Version 2027');
  await expect(a.getByTestId('page-unowned-room')).toHaveCount(0);
  const tandemAt = a.url();

  // The page's record as an earlier version kept it: plain, in a room
  // without an owner.
  await a.close();
  a = await office.newPage();
  await a.goto('/');
  await a.evaluate(async (key) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('tandem');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const transaction = db.transaction('chunks', 'readwrite');
      transaction.objectStore('chunks').delete(key);
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
    db.close();
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const room = Array.from(random(16), (byte) => byte.toString(16).padStart(2, '0')).join('').replace(/^0a/, '5a');
    const secret = btoa(String.fromCharCode(...random(32))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const record = { invite: `room=${room}&key=${secret}`, relay: null, last_seen: 0, acknowledged: [], snapshot_at: 0, device: null };
    localStorage.setItem(key, JSON.stringify(record));
  }, `tandem.page-sync.${new URL(tandemAt).pathname.split('/').pop()}`);
  await a.goto(tandemAt);
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(a.getByTestId('page-unowned-room')).toContainText('Jede Person mit einem gültigen Link könnte ihn beenden');
  const linkOf = personalLink(a);
  const earlier = await linkOf('Aylin Korkmaz').inputValue();
  expect(earlier).not.toContain('room=0a11ce5e');
  await keepPicture(a, 'page-unowned-room');
  await mentee.goto(earlier);
  await expect(mentee.getByTestId('page-member')).toHaveCount(2);
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');

  // The coordinator moves the page: the room is now one only this
  // browser can retire, and Aylin's phone follows by itself.
  await a.getByTestId('page-protect').click();
  await expect(a.getByTestId('page-panel-done')).toContainText('nur dieser Browser beenden kann');
  await expect(a.getByTestId('page-unowned-room')).toHaveCount(0);
  await expect(linkOf('Aylin Korkmaz')).toHaveValue(/room=0a11ce5e/);
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(mentee.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await mentee.getByTestId('page-me').selectOption({ label: 'Aylin Korkmaz' });
  await mentee.getByTestId('page-meeting-topics').fill('Nach dem Umzug eingetragen');
  await mentee.getByTestId('page-meeting-submit').click();
  await expect(a.getByTestId('page-meeting')).toContainText('Nach dem Umzug eingetragen');

  // After a reload the page is still in the protected room.
  await a.reload();
  await expect(a.getByTestId('page-sync-status')).toHaveText('Abgeglichen');
  await expect(linkOf('Aylin Korkmaz')).toHaveValue(/room=0a11ce5e/);
  await expect(a.getByTestId('page-unowned-room')).toHaveCount(0);
  await Promise.all([office.close(), menteePhone.close()]);
});
