// Browser benchmark: a cohort of 1,000 mentees and 1,000 mentors imported
// from a spreadsheet and matched on the matching board, in headless
// Chromium. Prints the median of several runs for each step.
//
//   node bench/browser.mjs http://127.0.0.1:8090 [people-per-role]
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8090';
const perRole = Number(process.argv[3] ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const partners = ['Stadt Baunatal', 'Landkreis Kassel', 'Stadt Kassel', 'Regierungspräsidium Kassel'];
const topics = ['Führung', 'Personal', 'Haushalt', 'Digitalisierung', 'Recht', 'Kommunikation', 'Gleichstellung', 'Bauen'];
const formats = ['online', 'Präsenz', 'beides'];

// A deterministic spreadsheet (no randomness: every run measures the same).
function sheet() {
  const rows = ['Name;Rolle;Organisation;E-Mail;Themen;Treffen;Ort;Stand'];
  for (const role of ['Mentee', 'Mentorin']) {
    for (let i = 0; i < perRole; i += 1) {
      const organisation = partners[(i * 7 + (role === 'Mentee' ? 0 : 1)) % partners.length];
      const picked = [topics[i % topics.length], topics[(i * 3 + 1) % topics.length]];
      rows.push([
        `${role} ${i}`, role, organisation, `${role.toLowerCase()}.${i}@example.org`,
        picked.join(', '), formats[i % formats.length], organisation.split(' ').pop(), 'angenommen',
      ].join(';'));
    }
  }
  return Buffer.from(rows.join('\r\n'), 'utf8');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const figures = { preview: [], import: [], openBoard: [], rerun: [] };
const file = sheet();
for (let run = 0; run < runs; run += 1) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'de-DE' });
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

  started = performance.now();
  await page.getByTestId('nav-matching').click();
  await page.getByTestId('matching-summary').waitFor();
  figures.openBoard.push(performance.now() - started);

  started = performance.now();
  await page.getByTestId('matching-run').click();
  // The board recomputes synchronously on the page: the click returns
  // when it is done; the summary is then current.
  await page.getByTestId('matching-summary').waitFor();
  figures.rerun.push(performance.now() - started);
  console.log(`run ${run + 1}: ${await page.getByTestId('matching-summary').innerText()}`);
  await page.close();
}
await browser.close();
console.log(`cohort: ${perRole} mentees × ${perRole} mentors, ${partners.length} organisations, all accepted; median of ${runs} runs`);
for (const [step, values] of Object.entries(figures)) {
  console.log(`${step.padEnd(10)} ${median(values).toFixed(0).padStart(6)} ms   (runs: ${values.map((v) => v.toFixed(0)).join(', ')})`);
}
