// Browser benchmark: a cohort of 1,000 mentees and 1,000 mentors imported
// from a spreadsheet and matched on the matching board, in headless
// Chromium. Prints the median of several runs for each step.
//
// The board computes in a web worker. While a run is under way the
// benchmark watches the page's own thread: the longest task on it (Long
// Tasks API, tasks over 50 ms) and the longest gap between two animation
// frames. The same is then measured with the worker blocked, so that the
// board computes on the page, for comparison.
//
//   node bench/browser.mjs http://127.0.0.1:8090 [people-per-role]
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const perRole = Number(process.argv[3] ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const partners = ['Stadt Baunatal', 'Landkreis Kassel', 'Stadt Kassel', 'Regierungspräsidium Kassel'];
const topics = ['Führung', 'Personal', 'Haushalt', 'Digitalisierung', 'Recht', 'Kommunikation', 'Gleichstellung', 'Bauen'];
const formats = ['online', 'Präsenz', 'beides'];
const times = ['Mo–Mi abends', 'dienstags ab 17 Uhr', 'Do 9-12 Uhr, Fr vormittags', 'werktags mittags', 'flexibel', ''];

// A deterministic spreadsheet (no randomness: every run measures the same).
function sheet() {
  const rows = ['Name;Rolle;Organisation;E-Mail;Themen;Treffen;Verfügbarkeit;Ort;Stand'];
  for (const role of ['Mentee', 'Mentorin']) {
    for (let i = 0; i < perRole; i += 1) {
      const organisation = partners[(i * 7 + (role === 'Mentee' ? 0 : 1)) % partners.length];
      const picked = [topics[i % topics.length], topics[(i * 3 + 1) % topics.length]];
      rows.push([
        `${role} ${i}`, role, organisation, `${role.toLowerCase()}.${i}@example.org`,
        picked.join(', '), formats[i % formats.length], times[(i * 5 + (role === 'Mentee' ? 0 : 2)) % times.length],
        organisation.split(' ').pop(), 'angenommen',
      ].join(';'));
    }
  }
  return Buffer.from(rows.join('\r\n'), 'utf8');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Starts watching the page's thread: animation frames and long tasks. */
async function watchThread(page) {
  await page.evaluate(() => {
    const watch = { gaps: [], longTasks: [], running: true };
    window.__benchWatch = watch;
    let last = performance.now();
    const frame = (now) => {
      watch.gaps.push(now - last);
      last = now;
      if (watch.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    watch.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) watch.longTasks.push(entry.duration);
    });
    watch.observer.observe({ type: 'longtask' });
  });
}

/** Stops watching; the longest task and the longest gap between frames. */
async function threadFigures(page) {
  // One more frame, so that a task at the very end is counted too.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
  return page.evaluate(() => {
    const watch = window.__benchWatch;
    watch.running = false;
    watch.observer.disconnect();
    return {
      longestTask: Math.max(0, ...watch.longTasks),
      longTasks: watch.longTasks.length,
      longestFrameGap: Math.max(0, ...watch.gaps),
    };
  });
}

async function runOf(page) {
  return Number(await page.getByTestId('matching-summary').getAttribute('data-result-run'));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const figures = {
  preview: [], import: [], openBoard: [],
  rerun: [], rerunLongestTask: [], rerunLongestFrameGap: [],
  onPage: [], onPageLongestTask: [], onPageLongestFrameGap: [],
};
const file = sheet();
for (let run = 0; run < runs; run += 1) {
  // No service worker: its cache would answer before the route that
  // blocks the matching worker below.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'de-DE', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByTestId('author-name').fill('Petra Probe');
  await page.getByTestId('programme-name').fill(`Benchmark ${run}`);
  await page.getByTestId('programme-start').fill('2026-03-01');
  await page.getByTestId('programme-end').fill('2027-02-28');
  for (const [index, partner] of partners.entries()) {
    if (index >= 2) await page.getByTestId('add-partner').click();
    await page.getByTestId(`partner-${index}`).fill(partner);
  }
  await page.getByTestId('create-programme').click();
  await page.getByTestId('programme-card').first().getByRole('link').click();
  await page.getByTestId('nav-import').click();

  let started = performance.now();
  await page.getByTestId('import-file').setInputFiles({ name: 'kohorte.csv', mimeType: 'text/csv', buffer: file });
  await page.getByTestId('import-summary').waitFor();
  figures.preview.push(performance.now() - started);

  started = performance.now();
  await page.getByTestId('import-submit').click();
  await page.getByTestId('import-done').waitFor();
  figures.import.push(performance.now() - started);

  // Opening the board starts the worker and the first run.
  started = performance.now();
  await page.getByTestId('nav-matching').click();
  await page.waitForSelector('[data-testid="matching-summary"][data-result-run="1"]');
  figures.openBoard.push(performance.now() - started);
  if ((await page.getByTestId('matching-on-page').count()) > 0) throw new Error('the worker did not start');

  // A new run in the worker, watching the page's thread meanwhile.
  await watchThread(page);
  started = performance.now();
  await page.getByTestId('matching-run').click();
  await page.waitForSelector('[data-testid="matching-summary"][data-result-run="2"]', { timeout: 120_000 });
  figures.rerun.push(performance.now() - started);
  const inWorker = await threadFigures(page);
  figures.rerunLongestTask.push(inWorker.longestTask);
  figures.rerunLongestFrameGap.push(inWorker.longestFrameGap);
  console.log(`run ${run + 1}: ${await page.getByTestId('matching-summary').innerText()}`);
  console.log(`  worker: longest task ${inWorker.longestTask.toFixed(0)} ms (${inWorker.longTasks} over 50 ms), longest gap between frames ${inWorker.longestFrameGap.toFixed(0)} ms`);

  // The same with the worker blocked: the board computes on the page.
  await context.route('**/matching-worker*', (route) => route.abort());
  await page.getByTestId('nav-people').click();
  await page.getByTestId('nav-matching').click();
  await page.getByTestId('matching-on-page').waitFor({ timeout: 120_000 });
  await page.waitForSelector('[data-testid="matching-summary"][data-result-run="1"]', { timeout: 120_000 });
  const before = await runOf(page);
  await watchThread(page);
  started = performance.now();
  await page.getByTestId('matching-run').click();
  await page.waitForSelector(`[data-testid="matching-summary"][data-result-run="${before + 1}"]`, { timeout: 120_000 });
  figures.onPage.push(performance.now() - started);
  const onPage = await threadFigures(page);
  figures.onPageLongestTask.push(onPage.longestTask);
  figures.onPageLongestFrameGap.push(onPage.longestFrameGap);
  console.log(`  page:   longest task ${onPage.longestTask.toFixed(0)} ms, longest gap between frames ${onPage.longestFrameGap.toFixed(0)} ms`);
  await context.close();
}
await browser.close();
console.log(`cohort: ${perRole} mentees × ${perRole} mentors, ${partners.length} organisations, all accepted; median of ${runs} runs`);
const labels = {
  preview: 'import preview',
  import: 'import',
  openBoard: 'open board (worker start + first run)',
  rerun: 're-run in the worker',
  rerunLongestTask: '  longest task on the page meanwhile',
  rerunLongestFrameGap: '  longest gap between frames meanwhile',
  onPage: 're-run on the page (worker blocked)',
  onPageLongestTask: '  longest task on the page meanwhile',
  onPageLongestFrameGap: '  longest gap between frames meanwhile',
};
for (const [step, values] of Object.entries(figures)) {
  console.log(`${labels[step].padEnd(40)} ${median(values).toFixed(0).padStart(6)} ms   (runs: ${values.map((v) => v.toFixed(0)).join(', ')})`);
}
