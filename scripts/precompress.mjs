// Compresses the built app's files once, at the highest brotli and gzip
// levels, next to the originals (`x.wasm` → `x.wasm.br`, `x.wasm.gz`). The
// relay sends these to browsers that accept them instead of compressing each
// response on the fly at a quick, weaker level: the WebAssembly goes out
// about a fifth smaller.
//
// Trunk runs this after every release build (Trunk.toml, [[hooks]]), on its
// staging directory before it becomes `dist`, so a new build never keeps an
// old build's compressed files. Debug builds are left alone (they are large,
// and brotli's best level takes its time). By hand:
//
//   node scripts/precompress.mjs dist
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

// What a browser loads as text or WebAssembly; pictures and fonts come
// compressed already.
const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt']);
// Below this, the headers outweigh what compression saves.
const SMALLEST = 1024;

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('usage: node scripts/precompress.mjs <directory of the built app>');
  process.exit(2);
}
if (!process.argv[2] && process.env.TRUNK_PROFILE === 'debug') {
  console.log('precompress: debug build, left uncompressed (the relay compresses on the fly)');
  process.exit(0);
}

async function filesIn(folder) {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) return filesIn(full);
      return entry.isFile() && COMPRESSIBLE.has(path.extname(entry.name)) ? [full] : [];
    }),
  );
  return nested.flat();
}

async function precompress(file) {
  const bytes = await fs.readFile(file);
  if (bytes.length < SMALLEST) return null;
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [zlib.constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm')
          ? zlib.constants.BROTLI_MODE_GENERIC
          : zlib.constants.BROTLI_MODE_TEXT,
      },
    }),
    gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  // A compressed copy that is not smaller is not worth sending.
  if (br.length < bytes.length) await fs.writeFile(`${file}.br`, br);
  if (gz.length < bytes.length) await fs.writeFile(`${file}.gz`, gz);
  return { file: path.relative(dir, file), raw: bytes.length, br: br.length, gz: gz.length };
}

const started = Date.now();
const done = (await Promise.all((await filesIn(dir)).map(precompress))).filter(Boolean);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
for (const { file, raw, br, gz } of done.sort((a, b) => b.raw - a.raw)) {
  console.log(`precompress: ${file} ${kb(raw)} → brotli ${kb(br)}, gzip ${kb(gz)}`);
}
console.log(`precompress: ${done.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
