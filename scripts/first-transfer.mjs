// What a browser downloads to start one of Tandem's apps: the page and
// every file its head names (script, WebAssembly, style sheets, icon,
// manifest; not what it only prefetches for later), counted as the relay
// sends them, brotli-compressed (the release build's `.br` copies, made by
// scripts/precompress.mjs; a file without one is counted as it is).
//
//   node scripts/first-transfer.mjs dist index.html
//   node scripts/first-transfer.mjs dist participant/index.html --max 300
//
// With `--max KB`, fails when the total is larger: sizes are stable from
// build to build, unlike times, so the tests guard them (scripts/test.sh).
import fs from 'node:fs';
import path from 'node:path';

const [dist, page, flag, limit] = process.argv.slice(2);
if (!dist || !page || (flag && (flag !== '--max' || !Number(limit)))) {
  console.error('usage: node scripts/first-transfer.mjs <dist> <page.html> [--max KB]');
  process.exit(2);
}

/** The size of `file` as sent: its brotli copy when there is one. */
function sent(file) {
  const compressed = `${file}.br`;
  return fs.statSync(fs.existsSync(compressed) ? compressed : file).size;
}

const pagePath = path.join(dist, page);
const html = fs.readFileSync(pagePath, 'utf8');
const head = html.split(/<\/head>/i)[0];
const files = new Set();
for (const [tag] of head.matchAll(/<(?:link|script)\b[^>]*>/gi)) {
  if (/\brel\s*=\s*["']?prefetch\b/i.test(tag)) continue;
  const reference = /\b(?:href|src)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
  if (!reference || /^[a-z]+:/i.test(reference)) continue;
  files.add(new URL(reference, 'http://app/').pathname);
}
// The start script imports the JavaScript and WebAssembly by path.
for (const [, script] of head.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
  for (const [, reference] of script.matchAll(/["'](\/[^"'\s]+\.(?:js|wasm))["']/g)) files.add(reference);
}

const rows = [[page, sent(pagePath)]];
for (const file of files) {
  const local = path.join(dist, decodeURIComponent(file));
  if (!fs.existsSync(local)) {
    console.error(`${page} names ${file}, which is not in ${dist}`);
    process.exit(1);
  }
  rows.push([file, sent(local)]);
}
const kb = (bytes) => (bytes / 1024).toFixed(1);
const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
for (const [file, bytes] of rows.sort((a, b) => b[1] - a[1])) console.log(`  ${kb(bytes).padStart(8)} KB  ${file}`);
console.log(`first transfer of ${page}: ${kb(total)} KB (brotli)`);
if (limit && total > Number(limit) * 1024) {
  console.error(`${page}: ${kb(total)} KB is more than the ${limit} KB allowed`);
  process.exit(1);
}
