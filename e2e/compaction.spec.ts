// A large programme's stored changes are compacted into one snapshot by a
// worker, so that the coordinator's page is not frozen while Automerge
// loads and saves it; where the worker cannot start, the page does it as
// before. Either way every person is there after the next start.
import { expect, allowFor, test, type Page } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Ostwestfalen 2027',
  start: '2027-01-15',
  end: '2028-01-31',
  partners: ['Stadt Bielefeld', 'Kreis Gütersloh'],
};

/** A spreadsheet of `count` invented applicants, numbered from `from`. */
function applicants(from: number, count: number): Buffer {
  const lines = ['Vorname;Nachname;Rolle;Organisation;E-Mail;Themen;Beworben am'];
  for (let number = from; number < from + count; number++) {
    lines.push(
      `Person${number};Beispiel${number};Mentee;Stadt Bielefeld;person${number}@example.org;Führung, Personal, Haushalt;05.01.2027`,
    );
  }
  return Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** The programme's stored chunks: their keys, and their bytes in all. */
async function storedChunks(page: Page): Promise<{ keys: string[]; bytes: number }> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('tandem');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const entries: [string, Uint8Array][] = await new Promise((resolve, reject) => {
      const store = db.transaction('chunks', 'readonly').objectStore('chunks');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => resolve(keys.result.map((key, i) => [String(key), values.result[i]]));
      values.onerror = () => reject(values.error);
    });
    db.close();
    const chunks = entries.filter(([key]) => /\/(0-snapshot|1-incremental)\//.test(key));
    return {
      keys: chunks.map(([key]) => key),
      bytes: chunks.reduce((sum, [, value]) => sum + value.length, 0),
    };
  });
}

/** Notes every worker the app starts (`window.startedWorkers`); with
 * `refuse`, the compaction worker cannot start, as in a browser that
 * failed to load its files. */
async function watchWorkers(page: Page, refuse: boolean) {
  await page.addInitScript((refuse) => {
    const Started = window.Worker;
    const started: string[] = [];
    (window as any).startedWorkers = started;
    window.Worker = class extends Started {
      constructor(url: string | URL, options?: WorkerOptions) {
        if (refuse && String(url).includes('compaction-worker')) throw new Error('no worker here');
        super(url, options);
        started.push(String(url));
      }
    };
  }, refuse);
}

async function expectFound(page: Page, name: string) {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('people-search').fill(name);
  await expect(page.getByTestId('person-row').filter({ hasText: name })).toHaveCount(1);
}

for (const worker of [true, false]) {
  const how = worker ? 'in the compaction worker' : 'on the page when the worker cannot start';
  test(`a large programme's chunks are compacted ${how}, and everyone is there after a restart`, async ({ page }) => {
    allowFor(150_000);
    await watchWorkers(page, !worker);
    const programmes = new ProgrammesPage(page);
    const workspace = new ProgrammePage(page);
    await programmes.open();
    await programmes.create(programme);
    await expect(programmes.success()).toBeVisible();
    await workspace.openFromList(programme.name);
    await workspace.importFile('bewerbungen-1.csv', applicants(0, 400));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('import-done')).toHaveText('400 Personen importiert.');

    // Opened again, the programme is large: the app compacts it once a
    // second import grows it by half.
    await page.reload();
    await expect(page.getByTestId('programme-title')).toHaveText(programme.name);
    const before = await storedChunks(page);
    expect(before.bytes).toBeGreaterThan(64 * 1024);
    expect(before.keys.length).toBeGreaterThan(1);
    await workspace.importFile('bewerbungen-2.csv', applicants(400, 300));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('import-done')).toHaveText('300 Personen importiert.');

    await expect
      .poll(async () => (await storedChunks(page)).keys, { timeout: 30_000 })
      .toEqual([expect.stringMatching(/\/0-snapshot\//)]);
    const after = await storedChunks(page);
    expect(after.bytes).toBeLessThan(before.bytes * 2);
    const started: string[] = await page.evaluate(() => (window as any).startedWorkers);
    expect(started.some((url) => url.includes('compaction-worker'))).toBe(worker);
    // Which of the two wrote the snapshot (marks on the page's timeline).
    const compacted = await page.evaluate(() =>
      ['tandem-compacted-in-worker', 'tandem-compacted-on-page'].map(
        (name) => performance.getEntriesByName(name).length,
      ),
    );
    expect(compacted).toEqual(worker ? [1, 0] : [0, 1]);

    // The snapshot is the whole programme: the first and the last applicant.
    await page.reload();
    await expect(page.getByTestId('programme-title')).toHaveText(programme.name);
    await expectFound(page, 'Person0 Beispiel0');
    await expectFound(page, 'Person699 Beispiel699');
  });
}
