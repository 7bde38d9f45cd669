// Browser benchmark of the state-scale programme (2,000 people, 1,000
// tandems, 300 events with 15,000 attendance marks, more than 100,000
// changes of 6 coordinators; made by crates/core/examples/state_scale.rs)
// in headless Chromium. Prints each figure as median, min and max of
// several runs, beside its target:
//
// - cold open: navigation → people table shown and the page free to
//   respond, with the programme stored in IndexedDB as the app stores it,
//   as a returning coordinator sees it (the app has opened the programme
//   before, so its view is stored beside it); and navigation → the
//   document loaded behind the view (everything works), with how long
//   that loading kept the main thread busy. The first opening (no view
//   yet) is shown beside it;
// - one edit: a person's name changed in the form → stored in IndexedDB
//   (the write transaction committed) and the new name on screen;
// - merging one coordinator's file of 10,000 changes: file chosen →
//   preview shown, and "merge" → merged, rules checked, page drawn again,
//   with the longest task on the page's thread meanwhile (the merge runs
//   in slices) and while it stores the result;
// - first-load transfer: the files the page fetched, compressed as a
//   server would (gzip -9 and brotli 11), and what the relay sent;
// - stored bytes in IndexedDB against the size of a saved document;
// - the wasm heap with the programme open.
//
//   node bench/scale.mjs http://127.0.0.1:8090 <state-scale folder> <dist folder>
//
// BENCH_RUNS sets the runs of cold open and merge (default 5 and 3);
// edits are 5 × as many.
import { openScale } from './scale-browser.mjs';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const scaleDir = process.argv[3];
const distDir = process.argv[4] ?? 'dist';
const runs = Number(process.env.BENCH_RUNS ?? 5);
if (!scaleDir) {
  console.error('usage: node bench/scale.mjs <base url> <state-scale folder> [dist folder]');
  process.exit(2);
}

const { browser, context, manifest, programmeBytes, fileBytes, id, store, viewStored, documentLoaded, storedBytes, openExchange, chooseFile, longestSinceChosen } = await openScale(scaleDir);

function figures(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}
function show(label, values, target, unit = 'ms') {
  const f = figures(values);
  const verdict = target === undefined ? '' : f.median <= target ? `  ✓ target ≤ ${target} ${unit}` : `  ✗ target ≤ ${target} ${unit}`;
  console.log(`${label.padEnd(52)} median ${f.median.toFixed(1).padStart(8)} ${unit}  (min ${f.min.toFixed(1)}, max ${f.max.toFixed(1)}, ${f.runs} runs)${verdict}`);
  return f;
}

let page = await context.newPage();
await page.goto(`${base}/`);
await page.waitForLoadState('networkidle');
await store(page);
console.log(`state-scale programme: ${manifest.people} people, ${manifest.tandems} tandems, ${manifest.events} events, ${manifest.attendance_marks} attendance marks, ${manifest.commands} commands; ${programmeBytes.length} bytes saved; file of ${manifest.file_changes} changes (${fileBytes.length} bytes)`);

// The first opening: no view stored yet; the app writes it afterwards.
await page.close();
page = await context.newPage();
await page.goto(`${base}/programme/${id}/people`, { waitUntil: 'commit' });
await page.waitForFunction(() => window.__bench && window.__bench.interactive !== undefined, null, { timeout: 120_000, polling: 50 });
const firstOpen = await page.evaluate(() => window.__bench.interactive);
let viewBytes = 0;
for (let wait = 0; wait < 600 && viewBytes === 0; wait += 1) {
  viewBytes = await viewStored(page);
  if (viewBytes === 0) await page.waitForTimeout(100);
}

// Cold open: a new tab straight onto the people table, the view stored.
const opens = [];
const rowsShown = [];
const loadedAt = [];
const loadingBusy = [];
let heap;
for (let run = 0; run < runs; run += 1) {
  await page.close();
  page = await context.newPage();
  await page.goto(`${base}/programme/${id}/people`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench && window.__bench.interactive !== undefined, null, { timeout: 120_000, polling: 50 });
  const { rows, interactive } = await page.evaluate(() => ({ rows: window.__bench.rows, interactive: window.__bench.interactive }));
  opens.push(interactive);
  rowsShown.push(rows);
  const loaded = await documentLoaded(page);
  if (loaded) {
    loadedAt.push(loaded.at);
    loadingBusy.push(loaded.busy);
  }
  if (run === 0) {
    heap = await page.evaluate(() => ({
      wasm: window.__bench.wasm && window.__bench.wasm.memory ? window.__bench.wasm.memory.buffer.byteLength : undefined,
      js: performance.memory ? performance.memory.usedJSHeapSize : undefined,
    }));
  }
}

// One edit: a person's name in the form, stored and on screen.
await page.goto(`${base}/programme/${id}/people/${manifest.edit_person}`);
await page.getByTestId('person-form').waitFor({ timeout: 120_000 });
await page.getByTestId('person-heading').waitFor();
await documentLoaded(page);
const edits = { total: [], shown: [], stored: [], handler: [] };
const storedAlong = [];
for (let run = 0; run < runs * 5; run += 1) {
  const name = `Anna Achterberg ${run}`;
  await page.getByTestId('person-name').fill(name);
  const timing = await page.evaluate((name) => new Promise((resolve) => {
    const heading = document.querySelector('[data-testid=person-heading]');
    const writesBefore = window.__bench.writes.length;
    let shown;
    let stored;
    const start = performance.now();
    const finish = () => {
      if (shown === undefined || stored === undefined) return;
      resolve({ shown: shown - start, stored: stored - start, total: Math.max(shown, stored) - start, handler });
    };
    new MutationObserver((_, observer) => {
      if (shown === undefined && heading.textContent.trim() === name) {
        shown = performance.now();
        observer.disconnect();
        finish();
      }
    }).observe(heading, { subtree: true, childList: true, characterData: true });
    const poll = () => {
      if (window.__bench.writes.length > writesBefore) {
        stored = window.__bench.writes[writesBefore];
        finish();
      } else {
        setTimeout(poll, 1);
      }
    };
    document.querySelector('[data-testid=person-submit]').click();
    const handler = performance.now() - start;
    poll();
  }), name);
  for (const key of Object.keys(edits)) edits[key].push(timing[key]);
  storedAlong.push(await storedBytes(page));
}

// Stored bytes: the most the chunks came to along the edits, against the
// snapshot (a save() of the programme).
const storedRatios = storedAlong.map((stored) => stored.bytes / stored.largest);

// Merge the file of 10,000 changes; each run starts from the stored programme again.
const previews = [];
const previewTasks = [];
const merges = [];
const mergeTasks = [];
const storingTasks = [];
const compactions = [];
for (let run = 0; run < Math.max(1, Math.ceil(runs / 2) + 0); run += 1) {
  // The last run's page may still be storing what it merged: it is closed
  // first, so that nothing it writes lands after the programme is stored
  // again.
  await page.close();
  page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForLoadState('networkidle');
  await store(page);
  await openExchange(page, base);
  previews.push(await chooseFile(page));
  previewTasks.push(await longestSinceChosen(page));
  // The page's long tasks (over 50 ms) while merging, and after it is
  // drawn, while it stores and compacts what it merged (until one chunk
  // is left, at most 20 s).
  const merge = await page.evaluate(() => new Promise((resolve) => {
    const tasks = [];
    const watcher = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    watcher.observe({ type: 'longtask' });
    const start = performance.now();
    window.__mergeTasks = { tasks, watcher };
    const look = () => {
      if (document.querySelector('[data-testid=exchange-done]')) {
        requestAnimationFrame(() => setTimeout(() => resolve({ start, drawn: performance.now() }), 0));
        return true;
      }
      return false;
    };
    const observer = new MutationObserver(() => { if (look()) observer.disconnect(); });
    observer.observe(document.body, { subtree: true, childList: true });
    document.querySelector('[data-testid=merge-confirm]').click();
    if (look()) observer.disconnect();
  }));
  // Stored and compacted: one chunk left (at most 20 s), then a little
  // longer, as the view is written after the snapshot.
  const waiting = Date.now();
  while ((await storedBytes(page)).chunks !== 1 && Date.now() - waiting < 20_000) await page.waitForTimeout(100);
  const compacted = await page.evaluate(() => performance.now());
  await page.waitForTimeout(1000);
  const longest = await page.evaluate(({ start, drawn }) => {
    const { tasks, watcher } = window.__mergeTasks;
    watcher.disconnect();
    const over = (from, to) => Math.max(0, ...tasks
      .filter((task) => task.startTime >= from && task.startTime < to)
      .map((task) => task.duration));
    return { merging: over(start, drawn), storing: over(drawn, Infinity) };
  }, merge);
  merge.total = merge.drawn - merge.start;
  merge.longest = longest.merging;
  merge.storing = longest.storing;
  merge.compacted = compacted - merge.drawn;
  merges.push(merge.total);
  mergeTasks.push(merge.longest);
  storingTasks.push(merge.storing);
  compactions.push(merge.compacted);
}
const afterMerge = await storedBytes(page);

// First-load transfer: the files index.html loads (the workers',
// only prefetched, are counted apart), compressed as a server would.
const indexHtml = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
const firstLoad = new Set(['index.html']);
const prefetched = new Set();
for (const line of indexHtml.split(/\n|(?=<link)/)) {
  for (const match of line.matchAll(/(?:href=|from |module_or_path: )['"]\/([^'"]+\.(?:wasm|js|css))['"]/g)) {
    (line.includes('prefetch') ? prefetched : firstLoad).add(match[1]);
  }
}
let raw = 0;
let gzip = 0;
let brotli = 0;
const files = [];
function compressed(name) {
  const bytes = fs.readFileSync(path.join(distDir, name));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: bytes.length, gz, br };
}
for (const name of firstLoad) {
  const size = compressed(name);
  raw += size.raw;
  gzip += size.gz;
  brotli += size.br;
  files.push(`${name} ${size.raw} → gzip ${size.gz}, brotli ${size.br}`);
}
for (const name of prefetched) {
  const size = compressed(name);
  files.push(`(prefetched later) ${name} ${size.raw} → gzip ${size.gz}, brotli ${size.br}`);
}
const wasmName = [...firstLoad].find((name) => name.endsWith('.wasm'));
const served = await fetch(`${base}/${wasmName}`, { headers: { 'accept-encoding': 'gzip, br' } });
// A precompressed copy says its size; one compressed on the fly does not.
const sentLength = served.headers.get('content-length');
const sent = sentLength ? ` (the wasm as ${(Number(sentLength) / 1024).toFixed(0)} KB)` : ' (on the fly)';
const encodings = new Set([(served.headers.get('content-encoding') ?? 'no compression') + sent]);
await served.arrayBuffer();

console.log('\nBrowser (headless Chromium, 1366 × 900)');
show('cold open → people table interactive', opens, 250);
show('cold open → first row of the people table', rowsShown);
if (loadedAt.length) {
  show('cold open → document loaded behind the view', loadedAt);
  show('  of which loading it (main thread busy)', loadingBusy);
} else {
  console.log('cold open → document loaded behind the view              (no view was used)');
}
show('first open, no view yet → people table interactive', [firstOpen]);
console.log(`the programme's stored view                              ${(viewBytes / 1024).toFixed(0)} KB`);
show('one edit: stored and on screen', edits.total, 16);
show('one edit: on screen', edits.shown);
show('one edit: stored (IndexedDB committed)', edits.stored);
show('one edit: the click handler (main thread)', edits.handler);
show('merge file: chosen → preview shown', previews, 300);
show('  longest task on the page meanwhile (0: none > 50)', previewTasks, 50);
show('merge 10,000 changes + rule check + drawn', merges, 1000);
// Browsers report only tasks over 50 ms: 0 means none was longer.
show('  longest task on the page meanwhile (0: none > 50)', mergeTasks, 50);
show('  longest task storing and compacting it', storingTasks);
show('  drawn → compacted into one snapshot', compactions);
console.log(`first-load transfer (wasm + JS + CSS + HTML)            raw ${(raw / 1024).toFixed(0)} KB, gzip ${(gzip / 1024).toFixed(0)} KB, brotli ${(brotli / 1024).toFixed(0)} KB  ${Math.min(gzip, brotli) <= 700 * 1024 ? '✓' : '✗'} target ≤ 700 KB; the relay sent: ${[...encodings].join(', ')}`);
for (const line of files) console.log(`    ${line}`);
const worst = Math.max(...storedRatios);
console.log(`stored in IndexedDB / save()                            most ${worst.toFixed(2)} × along ${storedAlong.length} edits (${storedAlong.at(-1).chunks} chunks at the end); after the merge ${afterMerge.bytes} bytes in ${afterMerge.chunks} chunks  ${worst <= 1.5 ? '✓' : '✗'} target ≤ 1.5 ×`);
console.log(`wasm heap with the programme open                       ${heap.wasm ? (heap.wasm / 1048576).toFixed(1) + ' MB' : 'unknown'}  ${heap.wasm && heap.wasm <= 200 * 1048576 ? '✓' : '✗'} target ≤ 200 MB; JS heap ${heap.js ? (heap.js / 1048576).toFixed(1) + ' MB' : 'unknown'}`);
console.log(JSON.stringify({ opens: figures(opens), rows: figures(rowsShown), loaded: loadedAt.length ? figures(loadedAt) : null, loadingBusy: loadingBusy.length ? figures(loadingBusy) : null, firstOpen, viewBytes, edit: figures(edits.total), editShown: figures(edits.shown), editStored: figures(edits.stored), preview: figures(previews), previewLongest: figures(previewTasks), merge: figures(merges), mergeLongest: figures(mergeTasks), storingLongest: figures(storingTasks), compacted: figures(compactions), transfer: { raw, gzip, brotli }, storedRatio: worst, afterMerge, heap }));
await browser.close();
