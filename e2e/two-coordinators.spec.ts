// Düsseldorf and Köln work apart and merge by file: the same mentor put into
// two tandems is a conflict both see, naming both coordinators; Köln settles
// it and after the next exchange Düsseldorf sees it settled too.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ExchangePage } from './pages/exchange-page';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = duesseldorfKoeln;

const sheet = [
  'Name;Rolle;Organisation;E-Mail',
  'Aylin Korkmaz;Mentee;Stadt Köln;aylin@example.org',
  'Birte Lorenzen;Mentee;Stadt Köln;birte@example.org',
  'Nora Xanthopoulos;Mentorin;Landeshauptstadt Düsseldorf;nora@example.org',
].join('\r\n');

test('two coordinators merge by file and settle a capacity conflict', async ({ browser }, testInfo) => {
  const duesseldorfContext = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
  const koelnContext = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
  const a = await duesseldorfContext.newPage();
  const b = await koelnContext.newPage();

  // Düsseldorf starts the programme, brings in the cohort and invites Köln.
  const aProgrammes = new ProgrammesPage(a);
  const aWorkspace = new ProgrammePage(a);
  await aProgrammes.open();
  await aProgrammes.create(programme);
  await aWorkspace.openFromList(programme.name);
  await aWorkspace.importFile('kohorte.csv', Buffer.from(sheet, 'utf8'));
  await a.getByTestId('import-submit').click();
  for (const name of ['Aylin Korkmaz', 'Birte Lorenzen', 'Nora Xanthopoulos']) {
    await aWorkspace.openPerson(name);
    await aWorkspace.accept();
  }
  const aExchange = new ExchangePage(a);
  await aExchange.open();
  const invite = await aExchange.export('export-invite', 'Stadt Köln');

  // Köln joins with the invitation.
  const bProgrammes = new ProgrammesPage(b);
  const bWorkspace = new ProgrammePage(b);
  await bProgrammes.open();
  await b.getByTestId('join-author').fill('Karla Köln');
  await b.getByTestId('join-file').setInputFiles(invite);
  await expect(b.getByTestId('join-done')).toContainText(programme.name);
  await bWorkspace.openFromList(programme.name);
  await bWorkspace.tab('nav-people');
  await expect(b.getByTestId('people-count')).toHaveText('3 von 3 Personen');

  // Both work offline: each adds a person and puts Nora into a tandem.
  await duesseldorfContext.setOffline(true);
  await koelnContext.setOffline(true);
  await aWorkspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(a.getByTestId('tandem-done')).toBeVisible();
  await bWorkspace.formTandem('Birte Lorenzen (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(b.getByTestId('tandem-done')).toBeVisible();
  for (const [page, name] of [[a, 'Dana Düssel'], [b, 'Kim Kölsch']] as const) {
    await page.getByTestId('nav-people').click();
    await page.getByTestId('new-person').click();
    await page.getByTestId('person-name').fill(name);
    await page.getByTestId('person-submit').click();
    await expect(page.getByTestId('person-heading')).toHaveText(name);
  }

  // Files go both ways.
  await aExchange.open();
  const fromDuesseldorf = await aExchange.export('export-changes', 'Stadt Köln');
  const bExchange = new ExchangePage(b);
  await bExchange.open();
  await bExchange.preview(fromDuesseldorf);
  await expect(b.getByTestId('merge-preview')).toContainText('Petra Probe: hat das Tandem gebildet');
  await b.getByTestId('merge-confirm').click();
  const fromKoeln = await bExchange.export('export-changes', 'Landeshauptstadt Düsseldorf');
  await aExchange.merge(fromKoeln);

  // Both see the same conflict, naming both coordinators.
  for (const exchange of [aExchange, bExchange]) {
    await expect(exchange.conflicts()).toHaveCount(1);
    await expect(exchange.conflicts()).toContainText('Nora Xanthopoulos ist in 2 laufenden Tandems, erlaubt sind 1.');
    await expect(exchange.conflicts()).toContainText('gebildet von Petra Probe');
    await expect(exchange.conflicts()).toContainText('gebildet von Karla Köln');
  }
  await a.getByTestId('nav-people').click();
  await expect(a.getByTestId('people-count')).toHaveText('5 von 5 Personen');

  // Köln settles it; after the next exchange Düsseldorf sees it settled.
  await b.getByTestId('conflict').locator('li', { hasText: 'Karla Köln' }).getByTestId('dissolve-tandem').click();
  await expect(b.getByTestId('no-conflicts')).toBeVisible();
  const settled = await bExchange.export('export-changes', 'Landeshauptstadt Düsseldorf');
  await aExchange.open();
  await aExchange.merge(settled);
  await expect(a.getByTestId('no-conflicts')).toBeVisible();

  // A damaged file is refused and nothing changes.
  const damaged = testInfo.outputPath('damaged.tandem');
  const bytes = readFileSync(settled);
  bytes[bytes.length - 5] ^= 0xff;
  writeFileSync(damaged, bytes);
  await aExchange.preview(damaged);
  await expect(a.getByTestId('exchange-error')).toContainText('beschädigt oder unvollständig');
  await expect(a.getByTestId('merge-preview')).toHaveCount(0);

  // Back online, a reload reads the merged programme from IndexedDB.
  await duesseldorfContext.setOffline(false);
  await a.reload();
  await a.getByTestId('nav-tandems').click();
  await expect(a.getByTestId('tandem-row')).toHaveCount(1);
  await expect(a.getByTestId('tandem-row')).toContainText('Aylin Korkmaz');
  await duesseldorfContext.close();
  await koelnContext.close();
});

test('two tabs of one browser see each other\'s edits', async ({ context }) => {
  const first = await context.newPage();
  const programmes = new ProgrammesPage(first);
  const workspace = new ProgrammePage(first);
  await programmes.open();
  await programmes.create(programme);
  await workspace.openFromList(programme.name);
  await workspace.tab('nav-people');
  const second = await context.newPage();
  await second.goto(first.url());
  await expect(second.getByTestId('people-count')).toHaveText('0 von 0 Personen');

  await first.getByTestId('new-person').click();
  await first.getByTestId('person-name').fill('Aylin Korkmaz');
  await first.getByTestId('person-submit').click();
  await expect(first.getByTestId('person-heading')).toHaveText('Aylin Korkmaz');
  await expect(second.getByTestId('people-count')).toHaveText('1 von 1 Personen', { timeout: 2_000 });

  await second.getByTestId('new-person').click();
  await second.getByTestId('person-name').fill('Birte Lorenzen');
  await second.getByTestId('person-submit').click();
  await first.getByTestId('nav-people').click();
  await expect(first.getByTestId('people-count')).toHaveText('2 von 2 Personen', { timeout: 2_000 });

  // Neither tab overwrote the other's chunk: a fresh tab sees both.
  const third = await context.newPage();
  await third.goto(first.url());
  await expect(third.getByTestId('people-count')).toHaveText('2 von 2 Personen');
});
