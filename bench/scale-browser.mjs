// The state-scale programme in headless Chromium, for the benchmarks that
// open it (bench/scale.mjs, bench/profile.mjs): the browser with a profile
// on disk, its pages watched from their first byte, and the programme and
// its tandem pages put into IndexedDB as the app stores them.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Opens Chromium on the state-scale programme generated in `scaleDir`
 * (crates/core/examples/state_scale.rs).
 */
export async function openScale(scaleDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(scaleDir, 'manifest.json'), 'utf8'));
  const programmeBytes = fs.readFileSync(path.join(scaleDir, 'programme.automerge'));
  const fileBytes = fs.readFileSync(path.join(scaleDir, 'last-10000.tandem'));
  const pageFiles = fs.readdirSync(path.join(scaleDir, 'pages')).filter((name) => name.endsWith('.automerge'));
  const id = manifest.programme;

  // Watches the page from its first byte: IndexedDB write transactions that
  // complete, the first row of the people table, the wasm module's memory.
  function instrument() {
    const bench = { writes: [], rows: undefined, interactive: undefined, wasm: undefined };
    window.__bench = bench;
    addEventListener('TrunkApplicationStarted', (event) => {
      bench.wasm = event.detail && event.detail.wasm;
    });
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      const tx = transaction.call(this, stores, mode, ...rest);
      if (mode === 'readwrite') tx.addEventListener('complete', () => bench.writes.push(performance.now()));
      return tx;
    };
    const look = () => {
      if (bench.rows === undefined && document.querySelector('[data-testid=person-row]')) {
        bench.rows = performance.now();
        // The page is interactive once the task that drew the rows has
        // ended and a frame was painted.
        requestAnimationFrame(() => setTimeout(() => { bench.interactive = performance.now(); }, 0));
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true });
  }

  // A browser profile on disk, as a coordinator's browser has one: its
  // HTTP cache and the compiled WebAssembly it keeps (V8's code cache)
  // are there for the next opening, which an in-memory context lacks.
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
    viewport: { width: 1366, height: 900 },
    locale: 'de-DE',
  });
  const browser = {
    async close() {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
  await context.addInitScript(instrument);

  /** The generated programme and pages, served to the page under /__bench/. */
  function serveGenerated(route) {
    const url = new URL(route.request().url());
    const name = url.pathname.replace('/__bench/', '');
    const body = name === 'programme' ? programmeBytes : fs.readFileSync(path.join(scaleDir, 'pages', `${name}.automerge`));
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body });
  }

  /**
   * Puts the programme (one snapshot, as the app stores it) and its tandem
   * pages into IndexedDB. The generated files are served only meanwhile:
   * while any request is routed, Playwright turns the browser's HTTP cache
   * off, and a returning coordinator's browser has the app in its caches.
   */
  async function store(page) {
    await context.route('**/__bench/**', serveGenerated);
    try {
      await storeGenerated(page);
    } finally {
      await context.unroute('**/__bench/**', serveGenerated);
    }
  }

  async function storeGenerated(page) {
    await page.evaluate(async ({ id, pages }) => {
      const factory = indexedDB;
      const open = () => new Promise((resolve, reject) => {
        const request = factory.open('tandem', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('chunks');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const db = await open();
      const done = (tx) => new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
      let tx = db.transaction(['chunks'], 'readwrite');
      tx.objectStore('chunks').delete(IDBKeyRange.bound(`${id}/`, `${id}/\uffff`));
      await done(tx);
      const programme = new Uint8Array(await (await fetch('/__bench/programme')).arrayBuffer());
      tx = db.transaction(['chunks'], 'readwrite');
      tx.objectStore('chunks').put(programme, `${id}/0-snapshot/state-scale`);
      await done(tx);
      for (let i = 0; i < pages.length; i += 100) {
        const batch = await Promise.all(pages.slice(i, i + 100).map(async (name) => [name, new Uint8Array(await (await fetch(`/__bench/${name}`)).arrayBuffer())]));
        tx = db.transaction(['chunks'], 'readwrite');
        for (const [name, bytes] of batch) tx.objectStore('chunks').put(bytes, `page:${name}`);
        await done(tx);
      }
      db.close();
      localStorage.setItem('tandem.settings', JSON.stringify({
        coordinator: { id: '5a0c6f43-8d7e-4f3a-9a55-0d8f3e1b2c4d', name: 'Bench Koordinatorin' },
        archived: [],
      }));
    }, { id, pages: pageFiles.map((name) => name.replace('.automerge', '')) });
  }

  /** The sizes of the records stored under the keys from `from` to `to`. */
  async function storedSizes(page, from, to) {
    return page.evaluate(async ({ from, to }) => {
      const factory = indexedDB;
      const db = await new Promise((resolve, reject) => {
        const request = factory.open('tandem', 1);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const values = await new Promise((resolve, reject) => {
        const request = db.transaction(['chunks'], 'readonly').objectStore('chunks').getAll(IDBKeyRange.bound(from, to));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return values.map((value) => value.byteLength);
    }, { from, to });
  }

  /** Whether the programme's view (`view:{id}`, src/storage/view.rs) is stored: its size, or 0. */
  async function viewStored(page) {
    const [view] = await storedSizes(page, `view:${id}`, `view:${id}`);
    return view ?? 0;
  }

  /**
   * Waits until the document behind the view is loaded (src/session.rs marks
   * it on the performance timeline); returns when that was and how long the
   * loading took, or nothing if the programme was opened without a view.
   */
  async function documentLoaded(page) {
    await page.waitForFunction(() => performance.getEntriesByName('tandem-view-read').length === 0
      || performance.getEntriesByName('tandem-document-loaded').length > 0, null, { timeout: 120_000, polling: 50 });
    return page.evaluate(() => {
      const loaded = performance.getEntriesByName('tandem-document-loaded')[0];
      const loading = performance.getEntriesByName('tandem-document-loading')[0];
      return loaded && loading ? { at: loaded.startTime, busy: loaded.startTime - loading.startTime } : undefined;
    });
  }

  /** The programme's stored chunks: how many and how many bytes. */
  async function storedBytes(page) {
    const sizes = await storedSizes(page, `${id}/`, `${id}/\uffff`);
    return { chunks: sizes.length, bytes: sizes.reduce((sum, size) => sum + size, 0), largest: Math.max(...sizes) };
  }

  /**
   * Opens the programme's exchange page at `base` with the document behind
   * it loaded, noting when a file is chosen there.
   */
  async function openExchange(page, base) {
    await page.goto(`${base}/programme/${id}/exchange`);
    await page.getByTestId('exchange-file').waitFor({ state: 'attached', timeout: 120_000 });
    await documentLoaded(page);
    await page.evaluate(() => {
      const input = document.querySelector('[data-testid=exchange-file]');
      input.addEventListener('change', () => {
        window.__bench.chosen = performance.now();
        // The page's long tasks (over 50 ms) from here on.
        const tasks = [];
        window.__bench.chosenTasks = tasks;
        new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({ type: 'longtask' });
      }, { capture: true, once: true });
    });
  }

  /**
   * The longest task on the page that began after the file was chosen,
   * until now (0: none over 50 ms). The task the file was chosen in is
   * the test driver's (Playwright hands the file's bytes to the page in
   * it), not the app's.
   */
  async function longestSinceChosen(page) {
    return page.evaluate(() => Math.max(0, ...window.__bench.chosenTasks
      .filter((task) => task.startTime >= window.__bench.chosen)
      .map((task) => task.duration)));
  }

  /** Chooses the partner's file; resolves with the time from choosing it to its preview painted. */
  async function chooseFile(page) {
    await page.getByTestId('exchange-file').setInputFiles({ name: 'aenderungen.tandem', mimeType: 'application/octet-stream', buffer: fileBytes });
    await page.getByTestId('merge-preview').waitFor({ timeout: 300_000 });
    return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - window.__bench.chosen), 0))));
  }

  return { browser, context, manifest, programmeBytes, fileBytes, id, store, viewStored, documentLoaded, storedBytes, openExchange, chooseFile, longestSinceChosen };
}
