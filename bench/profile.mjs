// Where the time goes: a CPU profile of the state-scale programme in
// headless Chromium, for the figures bench/scale.mjs finds too slow.
//
//   node bench/profile.mjs <base url> <state-scale folder> <out folder> [merge|open]
//
// - merge: a partner's file of 10,000 changes chosen (until the preview is
//   shown), then merged (until the merged programme is on screen and the
//   page has stored it);
// - open: a returning coordinator's new tab onto the people table, until
//   it is interactive.
//
// Each profile is written to the out folder (`<name>.cpuprofile`, for
// Chromium's DevTools) and summed up here: the functions by the time spent
// in them (self) and under them (inclusive), then the page's four longest
// tasks, each summed up the same way (a task's place in the profile is
// found from the page's clock, to a few milliseconds). The WebAssembly's functions
// have names only in a build that keeps them: set `strip = "none"` under
// `[profile.release.package.tandem]` in Cargo.toml before `trunk build`.
import fs from 'node:fs';
import path from 'node:path';
import { openScale } from './scale-browser.mjs';

const [base, scaleDir, outDir, what = 'merge'] = process.argv.slice(2);
if (!base || !scaleDir || !outDir || !['merge', 'open'].includes(what)) {
  console.error('usage: node bench/profile.mjs <base url> <state-scale folder> <out folder> [merge|open]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const { browser, context, id, store, viewStored, openExchange, chooseFile } = await openScale(scaleDir);

/** Runs `act` on `page` under the CPU profiler; writes and sums up the profile as `name`. */
async function profiled(page, name, act) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const since = await page.evaluate(() => {
    window.__longTaskWatcher?.disconnect();
    const tasks = [];
    window.__longTasks = tasks;
    window.__longTaskWatcher = new PerformanceObserver((list) => tasks.push(...list.getEntries()
      .map((entry) => ({ start: entry.startTime, duration: entry.duration }))));
    window.__longTaskWatcher.observe({ type: 'longtask' });
    return performance.now();
  });
  const measured = await act();
  const tasks = await page.evaluate(() => window.__longTasks ?? []).catch(() => []);
  const { profile } = await cdp.send('Profiler.stop');
  fs.writeFileSync(path.join(outDir, `${name}.cpuprofile`), JSON.stringify(profile));
  console.log(`\n== ${name}: ${measured.toFixed(0)} ms`);
  summary(profile);
  longestTasks(profile, tasks, since);
}

/** The functions that took longest, by self and by inclusive time; only
 * the samples `within` picks (their indexes), if given. */
function summary(profile, shown = 25, within = undefined) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node) => (node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'anonymous'})`)
    .replace(/::h[0-9a-f]{16}/g, '');
  const self = new Map();
  const inclusive = new Map();
  profile.samples.forEach((sample, index) => {
    if (within && !within(index)) return;
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const leaf = label(byId.get(sample));
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set();
    for (let id = sample; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id));
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      seen.add(name);
    }
  });
  for (const [title, times] of [['self', self], ['inclusive', inclusive]]) {
    console.log(`-- ${title}`);
    [...times].sort((a, b) => b[1] - a[1]).slice(0, shown)
      .forEach(([name, ms]) => console.log(`${ms.toFixed(0).padStart(7)} ms  ${name.slice(0, 140)}`));
  }
}

/** The page's longest tasks (`tasks`: the long-task entries the page saw,
 * in its own milliseconds, `since` being its time when the profiler
 * started), each summed up by function: what keeps the page from
 * answering for longest. Work in slices shows as many short tasks. */
function longestTasks(profile, tasks, since, count = 4) {
  const sampledAt = [];
  let at = 0;
  profile.timeDeltas.forEach((delta) => {
    at += delta / 1000;
    sampledAt.push(at);
  });
  const longest = [...tasks].sort((a, b) => b.duration - a.duration).slice(0, count);
  for (const task of longest) {
    const from = task.start - since;
    console.log(`\n-- one task of ${task.duration.toFixed(0)} ms, from ${from.toFixed(0)} ms`);
    summary(profile, 12, (index) => sampledAt[index] >= from && sampledAt[index] < from + task.duration);
  }
}

/** Resolves after the next frame was painted, with the time since `since`. */
function afterPaint(page, since) {
  return page.evaluate((since) => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - since), 0))), since);
}

let page = await context.newPage();
await page.goto(`${base}/`);
await page.waitForLoadState('networkidle');
await store(page);

if (what === 'merge') {
  await openExchange(page, base);
  await profiled(page, 'preview', () => chooseFile(page));
  await profiled(page, 'merge', async () => {
    const start = await page.evaluate(() => {
      document.querySelector('[data-testid=merge-confirm]').click();
      return performance.now();
    });
    await page.getByTestId('exchange-done').waitFor({ timeout: 300_000 });
    const merged = await afterPaint(page, start);
    // What the page does after showing the merge: storing it.
    await page.waitForTimeout(5000);
    return merged;
  });
} else {
  // The first opening writes the programme's view, which later ones show.
  await page.goto(`${base}/programme/${id}/people`);
  for (let wait = 0; wait < 600 && (await viewStored(page)) === 0; wait += 1) await page.waitForTimeout(100);
  await page.close();
  page = await context.newPage();
  await profiled(page, 'open', async () => {
    await page.goto(`${base}/programme/${id}/people`, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench && window.__bench.interactive !== undefined, null, { timeout: 120_000, polling: 50 });
    return page.evaluate(() => window.__bench.interactive);
  });
}
await browser.close();
