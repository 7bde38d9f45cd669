// Real erasure across two coordinators and the relay. Düsseldorf shares the
// programme live, Köln joins; Köln, offline, edits another person; Düsseldorf
// downloads a person's access report and then forgets her. Köln comes back
// and is moved to the new generation with its own edit carried over. Then
// the person's name is searched in every stored byte: what each browser
// holds (IndexedDB, localStorage, Cache Storage, read back through the
// page), the browsers' profile folders on disk, and the relay's SQLite file
// with its write-ahead log. Each browser stores its records sealed under a
// record key kept in a file of its own; forgetting seals what is kept under
// a new key and deletes the old key's file, so the old key must be in no
// file of either profile afterwards. A file of the old generation is
// refused.
import { joinApproved, shareLive } from './fixtures/access';
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, allowFor, test, type BrowserContext, type Page } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { ExchangePage } from './pages/exchange-page';
import { duesseldorfKoeln } from './fixtures/programmes';
import { saveDownload } from './fixtures/download';

const programme = duesseldorfKoeln;
const ERASED = 'Zoë Vergessenwerden';
const EMAIL = 'zoe.vergessenwerden@example.org';

// The options of the project's browser (Chromium or Firefox ESR), for the
// two browsers with profile folders of their own.
const browserOptions = {
  locale: 'de-DE',
  acceptDownloads: true,
};

async function addPerson(page: Page, name: string, email = '') {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('new-person').click();
  await page.getByTestId('person-name').fill(name);
  if (email) await page.getByTestId('person-email').fill(email);
  await page.getByTestId('person-submit').click();
  await expect(page.getByTestId('person-heading')).toHaveText(name);
}

async function openPerson(page: Page, name: string) {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('people-search').fill(name);
  await page.getByTestId('person-row').filter({ hasText: name }).getByRole('link').first().click();
  await expect(page.getByTestId('person-heading')).toHaveText(name);
}

async function expectPerson(page: Page, name: string, count = 1) {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('people-search').fill(name);
  await expect(page.getByTestId('person-row').filter({ hasText: name })).toHaveCount(count, { timeout: 15_000 });
  await page.getByTestId('people-search').fill('');
}

/** Every file under a folder, recursively. */
function files(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? files(path) : [path];
  });
}

/** The files of a folder that hold any of the needles (UTF-8 or UTF-16). */
function filesHolding(folder: string, needles: string[]): string[] {
  return filesHoldingBytes(folder, needles.flatMap((needle) => [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')]));
}

/** The files of a folder that hold any of the byte patterns. */
function filesHoldingBytes(folder: string, patterns: Buffer[]): string[] {
  return files(folder).filter((path) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return false;
    }
    return patterns.some((pattern) => bytes.includes(pattern));
  });
}

/** Reads back, through the page, every value the origin stores. */
async function storedThroughPage(page: Page, needles: string[]): Promise<string[]> {
  return page.evaluate(async (needles) => {
    const found: string[] = [];
    const encoder = new TextEncoder();
    const patterns = needles.map((needle) => encoder.encode(needle));
    const holds = (bytes: Uint8Array) =>
      patterns.some((pattern) => {
        outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
          for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
          return true;
        }
        return false;
      });
    const asBytes = (value: unknown): Uint8Array => {
      if (value instanceof Uint8Array) return value;
      if (value instanceof ArrayBuffer) return new Uint8Array(value);
      return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    };
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open(info.name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const storeName of Array.from(db.objectStoreNames)) {
        const entries: [IDBValidKey, unknown][] = await new Promise((resolve, reject) => {
          const store = db.transaction(storeName, 'readonly').objectStore(storeName);
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => resolve(keys.result.map((key, i) => [key, values.result[i]]));
          values.onerror = () => reject(values.error);
        });
        for (const [key, value] of entries) {
          if (holds(asBytes(value)) || holds(asBytes(String(key)))) found.push(`indexedDB ${info.name}/${storeName}/${String(key)}`);
        }
      }
      db.close();
    }
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (holds(encoder.encode(`${key}=${localStorage.getItem(key)}`))) found.push(`localStorage ${key}`);
    }
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      if (holds(encoder.encode(`${key}=${sessionStorage.getItem(key)}`))) found.push(`sessionStorage ${key}`);
    }
    for (const cacheName of await caches.keys()) {
      const cache = await caches.open(cacheName);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        if (response && holds(new Uint8Array(await response.arrayBuffer()))) found.push(`cache ${cacheName} ${request.url}`);
      }
    }
    return found;
  }, needles);
}

/**
 * How the browser keeps Tandem's records: the records of its database that
 * are not sealed (sealed ones begin with "TSL1" and the number of their
 * key), the numbers of the keys the others are sealed with, and the record
 * key files of the origin private file system with their bytes.
 */
async function sealing(page: Page): Promise<{ plain: string[]; numbers: number[]; keys: Record<string, number[]> }> {
  return page.evaluate(async () => {
    const plain: string[] = [];
    const numbers = new Set<number>();
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('tandem');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const entries: [IDBValidKey, Uint8Array][] = await new Promise((resolve, reject) => {
      const store = db.transaction('chunks', 'readonly').objectStore('chunks');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => resolve(keys.result.map((key, i) => [key, values.result[i]]));
      values.onerror = () => reject(values.error);
    });
    db.close();
    for (const [key, value] of entries) {
      const sealed = value.length > 8 && String.fromCharCode(...value.slice(0, 4)) === 'TSL1';
      if (sealed) numbers.add(new DataView(value.buffer, value.byteOffset + 4, 4).getUint32(0, true));
      else plain.push(String(key));
    }
    const keys: Record<string, number[]> = {};
    const root: any = await navigator.storage.getDirectory();
    for await (const [name, handle] of root.entries()) {
      if (handle.kind === 'file') keys[name] = Array.from(new Uint8Array(await (await handle.getFile()).arrayBuffer()));
    }
    return { plain, numbers: [...numbers].sort(), keys };
  });
}

function relayFiles(): string[] {
  const database = process.env.TANDEM_E2E_RELAY_DB ?? '';
  expect(database, 'the relay database of this run').not.toBe('');
  return [database, `${database}-wal`].filter((path) => existsSync(path));
}

test('forgetting a person erases every stored byte of them, in both browsers and on the relay', async ({ baseURL, browserName, playwright }, testInfo) => {
  allowFor(240_000);
  const folderA = mkdtempSync(join(tmpdir(), 'tandem-privacy-a-'));
  const folderB = mkdtempSync(join(tmpdir(), 'tandem-privacy-b-'));
  let duesseldorf: BrowserContext | undefined;
  let koeln: BrowserContext | undefined;
  try {
    const project = testInfo.project.use;
    const launchOptions = { ...project.launchOptions, channel: project.channel, ...browserOptions, baseURL };
    duesseldorf = await playwright[browserName].launchPersistentContext(folderA, launchOptions);
    koeln = await playwright[browserName].launchPersistentContext(folderB, launchOptions);
    const a = await duesseldorf.newPage();
    const b = await koeln.newPage();

    // Düsseldorf creates and shares the programme with two people in it.
    const aProgrammes = new ProgrammesPage(a);
    await aProgrammes.open();
    await aProgrammes.create(programme);
    await new ProgrammePage(a).openFromList(programme.name);
    await addPerson(a, 'Hilde Bleibt');
    await shareLive(a);

    // Köln joins by an invitation, approved, and has both.
    const link = await joinApproved(a, b, { name: 'Karla Köln', organisation: 'Stadt Köln' }, programme.name);

    // Düsseldorf adds Zoë; she reaches Köln live.
    await addPerson(a, ERASED, EMAIL);
    await expectPerson(b, ERASED);

    // Köln keeps a backup file of this (old) generation.
    await b.getByTestId('nav-exchange').click();
    const oldFile = (await saveDownload(b, () => b.getByTestId('export-whole').click())).path;

    // Before: both browsers store every record sealed under their first
    // record key, whose file is on disk (so the search below can find it),
    // and no stored value names her in plain.
    const oldKeys: Buffer[] = [];
    for (const [where, page, folder] of [['Düsseldorf', a, folderA], ['Köln', b, folderB]] as const) {
      const before = await sealing(page);
      expect(before.plain, `${where} stores every record sealed`).toEqual([]);
      expect(before.numbers, `${where} seals with its first key`).toEqual([1]);
      expect(Object.keys(before.keys), `${where}'s record key file`).toEqual(['record-key-1']);
      const key = Buffer.from(before.keys['record-key-1']);
      expect(key.length).toBe(32);
      expect(filesHoldingBytes(folder, [key]).length, `${where}'s record key is on disk`).toBeGreaterThan(0);
      expect(await storedThroughPage(page, [ERASED]), `${where} stores her name only sealed`).toEqual([]);
      oldKeys.push(key);
    }

    // Köln goes offline and edits Hilde: an edit the relay has not seen.
    await koeln.setOffline(true);
    await expect(b.getByTestId('sync-status')).toContainText('Offline');
    await openPerson(b, 'Hilde Bleibt');
    await b.getByTestId('person-position').fill('Amtsleiterin');
    await b.getByTestId('person-submit').click();
    await expect(b.getByTestId('person-done')).toBeVisible();

    // Düsseldorf answers Zoë's access request, then forgets her.
    await openPerson(a, ERASED);
    const access = await saveDownload(a, () => a.getByTestId('access-export').click());
    const report = readFileSync(access.path, 'utf8');
    expect(access.name).toMatch(/^auskunft-\d{4}-\d{2}-\d{2}\.html$/);
    for (const expected of ['Auskunft über gespeicherte Daten', ERASED, EMAIL, 'Frühere Werte aus dem Verlauf', 'Petra Probe']) {
      expect(report, `the access report names ${expected}`).toContain(expected);
    }
    expect(report).not.toContain('Hilde Bleibt');
    // A second Düsseldorf tab is open on the programme: it lets go of the
    // database (so it can be written afresh) and asks to be reloaded.
    const a2 = await duesseldorf.newPage();
    await a2.goto(a.url());
    await expect(a2.getByTestId('person-heading')).toHaveText(ERASED);
    await a.getByTestId('forget-person').click();
    await a.getByTestId('forget-confirm').click();
    await expectPerson(a, ERASED, 0);
    await expect(a2.getByTestId('unsaved')).toContainText('In einem anderen Tab wurde eine Person endgültig gelöscht');
    await a2.reload();
    await expectPerson(a2, ERASED, 0);
    await a2.close();
    await expect(a.getByTestId('sync-status')).toHaveText('Abgeglichen', { timeout: 20_000 });

    // The new room admits devices only, as the old one did: Düsseldorf
    // founded it and carried Köln's device over; there is no link that
    // holds the programme's key.
    await a.getByTestId('nav-exchange').click();
    await expect(a.getByTestId('access-member')).toHaveCount(2);
    await expect(a.getByTestId('access-member').filter({ hasText: 'Stadt Köln' })).toContainText('von Petra Probe');
    await expect(a.getByTestId('share-link')).toHaveCount(0);

    // Köln comes back: it hears of the new version and is asked, with who
    // made it. Nothing moves before Köln says yes, not even over a reload.
    await koeln.setOffline(false);
    const question = b.getByTestId('move-question');
    await expect(question).toContainText('Petra Probe hat eine neue Fassung dieses Programms erstellt', { timeout: 30_000 });
    await expect(question).toContainText('Übernehmen?');
    await expect(question).toContainText('vom Gerät dieser Administrator:in des Programms unterschrieben');
    await expectPerson(b, ERASED);
    await b.reload();
    await expect(question).toBeVisible({ timeout: 30_000 });
    await expectPerson(b, ERASED);
    expect((await sealing(b)).numbers, 'Köln keeps the old version under its first key').toEqual([1]);
    if (process.env.TANDEM_SCREENSHOTS) {
      for (const width of [1366, 390]) {
        await b.setViewportSize({ width, height: width > 800 ? 768 : 844 });
        await b.screenshot({ path: `${process.env.TANDEM_SCREENSHOTS}/move-question-${width}.png`, fullPage: true });
      }
      await b.setViewportSize({ width: 1280, height: 720 });
    }

    // The old room's invitation opens nothing, and says why.
    const b2 = await koeln.newPage();
    await b2.goto(link);
    await b2.getByTestId('join-link-submit').click();
    await expect(b2.getByTestId('join-link-error')).toContainText('früheren Fassung des Programms');
    await b2.close();
    await expectPerson(b, ERASED);

    // Köln says yes: it moves to the new generation with its own edit.
    await b.getByTestId('move-accept').click();
    await expect(question).toHaveCount(0);
    await expect(b.getByTestId('sync-status')).toHaveText('Abgeglichen', { timeout: 30_000 });
    await expectPerson(b, ERASED, 0);
    await expectPerson(b, 'Hilde Bleibt');
    await openPerson(a, 'Hilde Bleibt');
    await expect(a.getByTestId('person-position')).toHaveValue('Amtsleiterin', { timeout: 20_000 });

    // And live sync goes on in the new room, as the same device.
    await addPerson(b, 'Nora Neu');
    await expectPerson(a, 'Nora Neu');
    await b.getByTestId('nav-exchange').click();
    await expect(b.getByTestId('access-member')).toHaveCount(2);
    await expect(b.getByTestId('access-member').filter({ hasText: '(dieses Gerät)' })).toContainText('Stadt Köln');

    // The old generation's file is refused in Köln, with the reason.
    await b.getByTestId('nav-exchange').click();
    await b.getByTestId('exchange-file').setInputFiles(oldFile!);
    await expect(b.getByTestId('exchange-error')).toContainText('früheren Fassung');
    await expectPerson(b, ERASED, 0);

    // The proof, read back through each browser: everything kept is sealed
    // under a second key, the first key's file is gone, and no stored value
    // names her. Storing the new generation in place of the old one runs
    // beside the sync that brought it: wait until it is done.
    const needles = [ERASED, EMAIL, 'Vergessenwerden'];
    for (const [where, page] of [['Düsseldorf', a], ['Köln', b]] as const) {
      await expect
        .poll(async () => {
          const after = await sealing(page);
          return { plain: after.plain, numbers: after.numbers, keys: Object.keys(after.keys) };
        }, { message: `${where} keeps its records under a new key only`, timeout: 20_000 })
        .toEqual({ plain: [], numbers: [2], keys: ['record-key-2'] });
      expect(await storedThroughPage(page, needles), `${where} stores nothing of her`).toEqual([]);
    }

    // The relay: nothing in its database or its log.
    for (const path of relayFiles()) {
      const bytes = readFileSync(path);
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle} in ${path}`).toBe(false);
    }

    // On disk: the browsers' profile folders, once closed.
    await duesseldorf.close();
    await koeln.close();
    duesseldorf = undefined;
    koeln = undefined;
    // What is true on disk: whatever Chromium's LevelDB still holds of the
    // old records is sealed under the first keys, and no file of either
    // profile holds those keys any more, nor her name in plain.
    const oldKeyFiles = [...filesHoldingBytes(folderA, oldKeys), ...filesHoldingBytes(folderB, oldKeys)];
    expect(oldKeyFiles, 'the first record keys are on disk nowhere').toEqual([]);
    const onDiskA = filesHolding(folderA, needles).map((path) => path.slice(folderA.length));
    const onDiskB = filesHolding(folderB, needles).map((path) => path.slice(folderB.length));
    const found = `Düsseldorf: ${onDiskA.join(', ') || 'none'}; Köln: ${onDiskB.join(', ') || 'none'}`;
    console.log(`profile files naming her after the erasure: ${found}`);
    test.info().annotations.push({ type: 'profile files naming her after the erasure', description: found });
    expect(onDiskB, "Köln's profile names her nowhere").toEqual([]);
    expect(onDiskA, "Düsseldorf's profile names her nowhere").toEqual([]);
  } finally {
    await duesseldorf?.close();
    await koeln?.close();
    rmSync(folderA, { recursive: true, force: true });
    rmSync(folderB, { recursive: true, force: true });
  }
});

test('the privacy page explains in plain German what is stored where, linked from every page', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('privacy-link').click();
  await expect(page).toHaveURL(/\/datenschutz$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Datenschutz: Was Tandem speichert');
  for (const text of ['im Browser der Koordinator:innen', 'nie einen Namen', 'Tandem-Seite', 'Auskunft und Löschung', 'Wer ein Programm lesen kann']) {
    await expect(page.getByTestId('privacy-page')).toContainText(text);
  }
  // The data-protection officer is pointed to the trust model that every
  // installation carries.
  await expect(page.getByTestId('privacy-dpo')).toContainText('/usr/share/doc/tandem-relay/README.md');
});

test('a partner sent the new version by file moves over to it, keeping their own edits', async ({ browser }) => {
  const duesseldorf = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
  const koeln = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
  const a = await duesseldorf.newPage();
  const b = await koeln.newPage();
  const programmes = new ProgrammesPage(a);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(a).openFromList(programme.name);
  await addPerson(a, ERASED, EMAIL);
  await addPerson(a, 'Hilde Bleibt');

  // Köln joins by file; nothing goes through a relay in this test.
  const exchangeA = new ExchangePage(a);
  await exchangeA.open();
  const invite = await exchangeA.export('export-invite', 'Stadt Köln');
  await new ProgrammesPage(b).open();
  await b.getByTestId('join-author').fill('Karla Köln');
  await b.getByTestId('join-file').setInputFiles(invite!);
  await expect(b.getByTestId('join-done')).toContainText(programme.name);
  await new ProgrammePage(b).openFromList(programme.name);
  await expectPerson(b, ERASED);

  // Köln adds someone; Düsseldorf meanwhile forgets Zoë and sends the
  // whole new version.
  await addPerson(b, 'Karla Eigen');
  await openPerson(a, ERASED);
  await a.getByTestId('forget-person').click();
  await a.getByTestId('forget-confirm').click();
  await expectPerson(a, ERASED, 0);
  await exchangeA.open();
  const newVersion = await exchangeA.export('export-whole');

  // Köln opens it: not a merge, a move.
  const exchangeB = new ExchangePage(b);
  await exchangeB.open();
  await exchangeB.preview(newVersion!);
  await expect(b.getByTestId('move-preview')).toContainText('Neue Fassung dieses Programms');
  await expect(b.getByTestId('merge-preview')).toHaveCount(0);
  await b.getByTestId('move-confirm').click();
  await expect(b.getByTestId('exchange-done')).toContainText('Umgezogen');
  await expectPerson(b, ERASED, 0);
  await expectPerson(b, 'Karla Eigen');
  await expectPerson(b, 'Hilde Bleibt');

  // Stored so: after a reload Zoë is gone and Köln's own person is there,
  // and Köln's edit reaches Düsseldorf by the next file.
  await b.reload();
  await expectPerson(b, ERASED, 0);
  await expectPerson(b, 'Karla Eigen');
  await exchangeB.open();
  const changes = await exchangeB.export('export-changes', 'Landeshauptstadt Düsseldorf');
  await exchangeA.merge(changes!);
  await expectPerson(a, 'Karla Eigen');
  await expectPerson(a, ERASED, 0);
  await duesseldorf.close();
  await koeln.close();
});
