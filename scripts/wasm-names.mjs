// The functions in a WebAssembly build that kept its name section (a
// release build with `strip = "none"`), by Rust path: what the code is
// made of, and a check that a build holds none of a list of modules.
//
//   node scripts/wasm-names.mjs top <file.wasm> [crate|module] [rows]
//   node scripts/wasm-names.mjs check <file.wasm>
//
// `check` is the proof that the participant's app (src/participant.rs)
// carries none of the coordinators' code: it fails when a function of the
// matching, the reports, the import and export files, the certificates,
// the calendar, the programme's devices and member lists or the
// coordinators' pages is in the build, and also when
// the build has no names at all or lacks the tandem page, so that it
// cannot pass by looking at the wrong file. Rust's linker writes the names
// mangled (`_ZN11tandem_core8matching…`); they are read back into paths.
import fs from 'node:fs';

/** The coordinators' code, as Rust paths. */
const FORBIDDEN = [
  'tandem_core::matching',
  'tandem_core::report',
  'tandem_core::files',
  'tandem_core::privacy',
  'tandem_core::command',
  // The coordinators' pages, by area (the public privacy notice and the
  // tandem page stand apart from them).
  'tandem::pages::programme',
  'tandem::pages::people',
  'tandem::pages::tandems',
  'tandem::pages::matching',
  'tandem::pages::calendar',
  'tandem::pages::report',
  // The programme's session; its `Opening` state is shared with the tandem page's.
  'tandem::session::ProgrammeSession',
  'tandem::session::persist',
  'tandem::session::relay',
  'tandem::session::tabs',
  'tandem::session::view_cache',
  'tandem::session::erasure',
  'tandem::session::messages',
  // A programme's devices and their member lists (protocol 2): a tandem
  // page syncs by its room key. (The application form's sealing keeps
  // X25519 and HPKE, see `tandem_sync::intake`.)
  'tandem::live::device',
  'tandem::live::join',
  'tandem_sync::access::client',
  'tandem_sync::access::identity::DeviceIdentity',
  'tandem_sync::access::identity::DeviceKeys::verifies',
  // … nor its record: a page's (`PageRecord`) keeps no device.
  'tandem::settings::DeviceRecord',
  'tandem::settings::CarriedDevice',
  'tandem_sync::access::identity::DeviceKeys',
  'tandem_sync::access::roster::Role',
  'tandem_sync::access::epoch',
  'tandem_sync::access::roster::Roster',
  'ed25519_dalek::',
  // The compressor: pages are saved without DEFLATE (programmes with it).
  'zlib_rs::deflate',
  'DeflateEncoder',
  'pathfinding::',
  'csv::',
  'icalendar::',
  'qrcode::',
];
/** What the participant's app is for: without these, the check looks at the wrong build. */
const REQUIRED = ['tandem::pages::tandem_page', 'tandem_core::page', 'tandem_sync::', 'automerge::'];

/** Function sizes (code bytes) with their demangled names. */
function functions(bytes) {
  let pos = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const name = () => {
    const length = leb();
    const text = bytes.toString('utf8', pos, pos + length);
    pos += length;
    return text;
  };
  const limits = () => {
    const flags = bytes[pos++];
    leb();
    if (flags & 1) leb();
  };
  let imported = 0;
  const sizes = [];
  const names = new Map();
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const end = leb() + pos;
    if (id === 2) {
      // Imported functions come first in the index space.
      for (let count = leb(); count > 0; count--) {
        name();
        name();
        const kind = bytes[pos++];
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 1) {
          pos++;
          limits();
        } else if (kind === 2) limits();
        else if (kind === 3) pos += 2;
        else if (kind === 4) {
          pos++;
          leb();
        }
      }
    } else if (id === 10) {
      for (let count = leb(); count > 0; count--) {
        const size = leb();
        sizes.push(size);
        pos += size;
      }
    } else if (id === 0 && name() === 'name') {
      while (pos < end) {
        const part = bytes[pos++];
        const partEnd = leb() + pos;
        if (part === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            names.set(index, name());
          }
        }
        pos = partEnd;
      }
    }
    pos = end;
  }
  return sizes.map((size, index) => ({ size, name: demangle(names.get(index + imported) ?? '') }));
}

/** A legacy-mangled Rust symbol as a path (`tandem_core::matching::score`). */
function demangle(symbol) {
  if (!symbol.startsWith('_ZN')) return symbol;
  const parts = [];
  let at = 3;
  while (at < symbol.length && symbol[at] !== 'E') {
    const digits = /^\d+/.exec(symbol.slice(at));
    if (!digits) break;
    at += digits[0].length;
    parts.push(symbol.slice(at, at + Number(digits[0])));
    at += Number(digits[0]);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  const escapes = { LT: '<', GT: '>', u20: ' ', RF: '&', BP: '*', C: ',', LP: '(', RP: ')', u7b: '{', u7d: '}', u27: "'", u5b: '[', u5d: ']', u3b: ';', u7e: '~', u21: '!', u23: '#' };
  return parts
    .join('::')
    .replace(/\$([A-Za-z0-9]+)\$/g, (whole, code) => escapes[code] ?? whole)
    .replace(/\.\./g, '::')
    .replace(/^_</, '<');
}

/** The crate (or crate::module) a function's code belongs to. */
function owner(name, depth) {
  let path = name;
  const implFor = /^<impl [^ ]+ for ([^>]+)>/.exec(path) || /^<&?(?:mut )?([^ ]+) as /.exec(path);
  if (implFor) path = implFor[1];
  path = path.replace(/^[<&*\s]+/, '');
  const pattern = depth === 'crate' ? /^([A-Za-z_][A-Za-z0-9_]*)/ : /^([A-Za-z_][A-Za-z0-9_]*(?:::[a-z_][a-z0-9_]*)?)/;
  return pattern.exec(path)?.[1] ?? '(unnamed)';
}

const [command, file, depth = 'module', rows = '40'] = process.argv.slice(2);
if (!['top', 'check'].includes(command) || !file) {
  console.error('usage: node scripts/wasm-names.mjs top|check <file.wasm> [crate|module] [rows]');
  process.exit(2);
}
const found = functions(fs.readFileSync(file));
if (command === 'top') {
  const total = found.reduce((sum, f) => sum + f.size, 0);
  const groups = new Map();
  for (const f of found) groups.set(owner(f.name, depth), (groups.get(owner(f.name, depth)) ?? 0) + f.size);
  console.log(`${found.length} functions, ${(total / 1024).toFixed(0)} KB of code`);
  for (const [group, size] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
    console.log(`${(size / 1024).toFixed(1).padStart(8)} KB ${((100 * size) / total).toFixed(1).padStart(5)} %  ${group}`);
  }
  process.exit(0);
}
const named = found.filter((f) => f.name !== '');
const problems = [];
if (named.length < found.length / 2) problems.push(`only ${named.length} of ${found.length} functions have names: build with strip = "none"`);
for (const required of REQUIRED) {
  if (!named.some((f) => f.name.includes(required))) problems.push(`no function of ${required} at all: not the participant's app?`);
}
for (const forbidden of FORBIDDEN) {
  const hits = named.filter((f) => f.name.includes(forbidden));
  if (hits.length > 0) problems.push(`${hits.length} functions of ${forbidden}, e.g. ${hits[0].name}`);
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`${file}: ${problem}`);
  process.exit(1);
}
console.log(`${file}: ${named.length} functions, none of the coordinators' code (${FORBIDDEN.length} modules checked)`);
