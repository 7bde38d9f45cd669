// The texts the participant's app can show, and a check that its own
// translation files (src/locales/{de,en}/participant.ftl) hold every one:
// that app carries only these files, so a text missing from them would show
// as its bare key on a participant's phone.
//
//   node scripts/participant-texts.mjs check   fails when one is missing
//   node scripts/participant-texts.mjs list    the keys, one a line
//   node scripts/participant-texts.mjs items   the code they are read from
//
// The app's code is followed item by item (functions, types with their
// `impl` blocks, constants) from src/participant.rs, through every path and
// name a reached item writes: `crate::…`, `super::…`, child modules,
// imports, and the names of its own file. That is more than the build
// keeps (a name may be a variable's); the coordinators' pages must stay
// out of reach, as they stay out of the build (scripts/wasm-names.mjs). In the reached items a text is asked for
// by its key as a string literal, or by a key built at run time from a
// literal prefix (`format!("error-{code}")`, `"sync-refused-{code}"`):
// such a prefix stands for every message it begins, whatever codes the
// code passes. The messages these messages name (`{ other-message }`) are
// needed as well. Keys written only in other crates are not followed: the
// app builds its keys from their codes.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src');
const LANGUAGES = ['de', 'en'];
const PARTS = ['participant', 'coordinators'];

/** The messages of a Fluent file: key → its text (value and attributes). */
function messages(file) {
  const entries = new Map();
  let current = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const start = /^(-?[a-zA-Z][a-zA-Z0-9_-]*)\s*=(.*)$/.exec(line);
    if (start) {
      current = start[1];
      entries.set(current, start[2]);
    } else if (current && (/^(\s|})/.test(line) || line === '')) {
      entries.set(current, `${entries.get(current)}\n${line}`);
    } else {
      current = null;
    }
  }
  return entries;
}

/** The file of a module path (`['pages', 'apply']`), or null. */
function moduleFile(segments) {
  if (segments.length === 0) return path.join(src, 'lib.rs');
  const base = path.join(src, ...segments);
  for (const file of [`${base}.rs`, path.join(base, 'mod.rs')]) {
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** The module path of a file under src/ (`src/pages/apply.rs` → pages, apply). */
function modulePath(file) {
  const relative = path.relative(src, file).replace(/\.rs$/, '').replace(/\/mod$/, '');
  return relative === 'lib' ? [] : relative.split('/');
}

/**
 * Rust code without its comments, twice over: as written (`code`), and
 * with the insides of string and character literals made blanks (`bare`),
 * at the same positions, to read its structure and paths from.
 */
function lex(source) {
  let code = '';
  let bare = '';
  let i = 0;
  const keep = (text, blanked) => {
    code += text;
    bare += blanked;
  };
  const literal = (text, open, close) =>
    keep(text, open + ' '.repeat(text.length - open.length - close.length) + close);
  while (i < source.length) {
    const rest = source.slice(i, i + 16);
    if (rest.startsWith('//')) {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    if (rest.startsWith('/*')) {
      let depth = 0;
      do {
        if (source.startsWith('/*', i)) {
          depth += 1;
          i += 2;
        } else if (source.startsWith('*/', i)) {
          depth -= 1;
          i += 2;
        } else {
          i += 1;
        }
      } while (depth > 0 && i < source.length);
      keep(' ', ' ');
      continue;
    }
    const raw = /^b?r(#*)"/.exec(rest);
    if (raw && !/\w/.test(source[i - 1] ?? '')) {
      const close = `"${raw[1]}`;
      const end = source.indexOf(close, i + raw[0].length);
      const stop = end < 0 ? source.length : end + close.length;
      literal(source.slice(i, stop), raw[0], close);
      i = stop;
      continue;
    }
    if (source[i] === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      literal(source.slice(i, j + 1), '"', '"');
      i = j + 1;
      continue;
    }
    const char = /^'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'/.exec(rest);
    if (char) {
      literal(char[0], "'", "'");
      i += char[0].length;
      continue;
    }
    keep(source[i], source[i]);
    i += 1;
  }
  return { code, bare };
}

/** Paths a `use` names: `a::{b, c::{d as e}}` → [a, b], [a, c, d, as e]. */
function usePaths(text) {
  return expandGroups(text.replace(/\s+/g, ' ').trim()).map((one) => {
    const [target, alias] = one.split(/\s+as\s+/);
    const segments = target.split('::').map((segment) => segment.trim());
    if (segments.at(-1) === 'self') segments.pop();
    return { segments, alias: alias?.trim() ?? segments.at(-1) };
  });
}

/** `a::{b, c::{d, e}}` → a::b, a::c::d, a::c::e. */
function expandGroups(text) {
  const open = text.indexOf('{');
  if (open < 0) return [text];
  let depth = 0;
  let close = open;
  for (; close < text.length; close += 1) {
    if (text[close] === '{') depth += 1;
    if (text[close] === '}' && --depth === 0) break;
  }
  const prefix = text.slice(0, open);
  const parts = [];
  let part = '';
  depth = 0;
  for (const char of text.slice(open + 1, close)) {
    if (char === ',' && depth === 0) {
      parts.push(part);
      part = '';
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    part += char;
  }
  parts.push(part);
  return parts
    .map((item) => item.trim())
    .filter(Boolean)
    .flatMap((item) => expandGroups(prefix + item));
}

/** The names an item defines, or for an `impl`, its trait's and type's. */
function itemNames(bare) {
  const head = bare.replace(/#!?\[[^\]]*\]/g, ' ').trim();
  const defined = /^(?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:async|const|unsafe|extern\s*"[^"]*")\s+)*(fn|struct|enum|trait|type|const|static|mod|union)\s+([A-Za-z_]\w*)/.exec(head);
  if (defined) return { kind: defined[1], names: [defined[2]] };
  const impl = /^(?:unsafe\s+)?impl\b/.exec(head);
  if (impl) {
    // Past the generic parameters: `impl<T: Bound> Trait for Type<Arg> where … {`.
    let i = impl[0].length;
    while (/\s/.test(head[i])) i += 1;
    if (head[i] === '<') {
      for (let depth = 0; i < head.length; i += 1) {
        if (head[i] === '<') depth += 1;
        if (head[i] === '>' && --depth === 0) break;
      }
      i += 1;
    }
    const header = head.slice(i, head.indexOf('{')).split(/\bwhere\b/)[0];
    const [trait, type] = header.includes(' for ') ? header.split(' for ') : ['', header];
    const names = (part) => [...new Set(part.match(/\b[A-Z]\w*/g) ?? [])];
    return { kind: 'impl', names: [], trait: names(trait), type: names(type) };
  }
  if (/^(?:pub(?:\s*\([^)]*\))?\s+)?use\b/.test(head)) return { kind: 'use', names: [] };
  // A macro at the top: `thread_local! { static X … }`, `macro_rules! m`.
  const names = [...head.matchAll(/\b(?:static|const|macro_rules!)\s+([A-Za-z_]\w*)/g)].map((match) => match[1]);
  return { kind: 'macro', names };
}

/** A source file: its module path, top-level items, imports and child modules. */
const parsed = new Map();
function parse(file) {
  if (parsed.has(file)) return parsed.get(file);
  const { code, bare } = lex(fs.readFileSync(file, 'utf8'));
  const info = { file, module: modulePath(file), items: [], aliases: new Map(), globs: [], children: new Set() };
  parsed.set(file, info);
  let depth = 0;
  let start = 0;
  const cut = (end) => {
    const item = { file, code: code.slice(start, end), bare: bare.slice(start, end) };
    start = end;
    if (!item.bare.trim() || item.bare.trim() === ';') return;
    // Test code is in no build.
    if (/#\[cfg\(test\)\]/.test(item.bare)) return;
    Object.assign(item, itemNames(item.bare));
    info.items.push(item);
    if (item.kind === 'mod' && /;\s*$/.test(item.bare)) info.children.add(item.names[0]);
    if (item.kind === 'use') {
      const text = item.bare.replace(/#!?\[[^\]]*\]/g, ' ').replace(/^\s*(?:pub(?:\s*\([^)]*\))?\s+)?use\s+/, '').replace(/;\s*$/, '');
      for (const { segments, alias } of usePaths(text)) {
        if (alias === '*') info.globs.push(segments.slice(0, -1));
        else info.aliases.set(alias, segments);
      }
    }
  };
  for (let i = 0; i < bare.length; i += 1) {
    const char = bare[i];
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0 && char === '}') cut(i + 1);
    } else if (char === ';' && depth === 0) cut(i + 1);
  }
  return info;
}

/**
 * Every `impl` block of the app, with the names it waits for: the app's
 * own types its type names (`RelayLink<ProgrammeClient>`: both), or, for a
 * blanket `impl<T: Bound> Trait for T`, its trait.
 */
function implBlocks() {
  const all = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.rs') && !full.startsWith(path.join(src, 'bin'))) all.push(...parse(full).items);
    }
  };
  walk(src);
  const types = new Set(
    all.filter((item) => ['struct', 'enum', 'trait', 'type', 'union'].includes(item.kind)).flatMap((item) => item.names),
  );
  return all
    .filter((item) => item.kind === 'impl')
    .map((item) => {
      const own = item.type.filter((name) => types.has(name));
      return { item, waits: own.length > 0 ? own : item.trait.filter((name) => types.has(name)) };
    })
    .filter(({ waits }) => waits.length > 0);
}

/**
 * The top-level items of the app's code the participant's app is made of:
 * from src/participant.rs, every item a reached item names (by a
 * `crate::`, `super::`, `self::` or child-module path, an import, or a
 * name defined in its own file), with every `impl` of a reached type.
 */
function participantItems() {
  const impls = implBlocks();
  const reachedNames = new Set();
  const reached = new Set();
  const queue = [];
  const asked = new Set();
  const reachItem = (item) => {
    if (!reached.has(item)) {
      reached.add(item);
      queue.push(item);
    }
  };
  // A path as the file `info` writes it, made absolute (from the crate root).
  const absolute = (info, segments, viaAlias = true) => {
    const [first, ...rest] = segments;
    if (first === 'crate') return rest;
    if (first === 'self') return [...info.module, ...rest];
    if (first === 'super') {
      let base = info.module.slice(0, -1);
      while (rest[0] === 'super') {
        base = base.slice(0, -1);
        rest.shift();
      }
      return [...base, ...rest];
    }
    if (info.children.has(first)) return [...info.module, first, ...rest];
    if (viaAlias && info.aliases.has(first)) {
      const target = absolute(info, info.aliases.get(first), false);
      return target && [...target, ...rest];
    }
    if (info.items.some((item) => item.kind !== 'impl' && item.names.includes(first))) {
      return [...info.module, first, ...rest];
    }
    return null;
  };
  // The item `name` of the module file `file`, as defined, imported or re-exported there.
  const reachName = (file, name) => {
    const key = `${file}#${name}`;
    if (asked.has(key)) return;
    asked.add(key);
    const info = parse(file);
    const own = info.items.filter((item) => item.kind !== 'impl' && item.names.includes(name));
    own.forEach(reachItem);
    if (own.length > 0) {
      reachedNames.add(name);
      for (const { item, waits } of impls) {
        if (waits.includes(name) && waits.every((wait) => reachedNames.has(wait))) reachItem(item);
      }
      return;
    }
    if (info.aliases.has(name)) reachPath(absolute(info, info.aliases.get(name), false));
    for (const glob of info.globs) reachPath([...(absolute(info, glob, false) ?? []), name]);
  };
  const reachPath = (segments) => {
    if (!segments) return;
    for (let length = segments.length; length >= 0; length -= 1) {
      const file = moduleFile(segments.slice(0, length));
      if (file) {
        if (length < segments.length) reachName(file, segments[length]);
        return;
      }
    }
  };
  const start = parse(path.join(src, 'participant.rs'));
  start.items.forEach(reachItem);
  while (queue.length > 0) {
    const item = queue.shift();
    const info = parse(item.file);
    if (item.kind === 'use') continue;
    // Imports inside a function body.
    for (const [, text] of item.bare.matchAll(/\buse\s+([^;]+);/g)) {
      for (const { segments } of usePaths(text)) reachPath(absolute(info, segments));
    }
    for (const [path] of item.bare.matchAll(/\b[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*/g)) {
      reachPath(absolute(info, path.split('::')));
    }
  }
  return [...reached];
}

/** The keys the participant's app can ask for, among `known` keys. */
function neededKeys(items, known) {
  const needed = new Set();
  const keys = [...known.keys()];
  for (const { code } of items) {
    for (const [, literal] of code.matchAll(/"([a-z][a-z0-9-]*)"/g)) {
      if (known.has(literal)) needed.add(literal);
    }
    for (const [, prefix] of code.matchAll(/"([a-z][a-z0-9-]*-)\{/g)) {
      for (const key of keys) if (key.startsWith(prefix)) needed.add(key);
    }
  }
  // Messages named in the needed messages' texts.
  const queue = [...needed];
  while (queue.length > 0) {
    const text = known.get(queue.pop()) ?? '';
    for (const [, named] of text.matchAll(/\{\s*(-?[a-zA-Z][a-zA-Z0-9_-]*)\s*(?:\.[a-zA-Z0-9_-]+\s*)?[}(]/g)) {
      if (known.has(named) && !needed.has(named)) {
        needed.add(named);
        queue.push(named);
      }
    }
  }
  return [...needed].sort();
}

const command = process.argv[2];
if (!['check', 'list', 'items'].includes(command)) {
  console.error('usage: node scripts/participant-texts.mjs check|list|items');
  process.exit(2);
}
// Every message of either file in either language (a key missing from one
// language's files is still known by the other's).
const known = new Map(
  LANGUAGES.flatMap((language) =>
    PARTS.flatMap((part) => [...messages(path.join(src, 'locales', language, `${part}.ftl`))]),
  ),
);
const items = participantItems();
const files = [...new Set(items.map((item) => item.file))].sort();
const needed = neededKeys(items, known);
if (command === 'list') {
  console.log(needed.join('\n'));
  process.exit(0);
}
if (command === 'items') {
  for (const item of items) {
    const names = item.kind === 'impl' ? [...item.trait, 'for', ...item.type] : item.names;
    console.log(`${path.relative(root, item.file)} ${item.kind} ${names.join(' ')}`);
  }
  process.exit(0);
}
// Without the tandem page and the application form the walk went wrong,
// and a check of nothing would pass.
for (const must of ['pages/tandem_page.rs', 'pages/apply.rs', 'i18n.rs']) {
  if (!files.includes(path.join(src, must))) {
    console.error(`participant-texts: src/${must} not reached from src/participant.rs`);
    process.exit(1);
  }
}
for (const file of files) {
  if (/^pages\/(programme|people|tandems|matching|calendar|report)(\/|\.rs$)/.test(path.relative(src, file))) {
    console.error(`participant-texts: the coordinators' src/${path.relative(src, file)} reached from src/participant.rs`);
    process.exit(1);
  }
}
let missing = 0;
for (const language of LANGUAGES) {
  const own = messages(path.join(src, 'locales', language, 'participant.ftl'));
  for (const key of needed.filter((key) => !own.has(key))) {
    console.error(`${language}/participant.ftl lacks ${key}`);
    missing += 1;
  }
}
if (missing > 0) {
  console.error(
    `${missing} texts the participant's app can show are not in its files: move them from coordinators.ftl to participant.ftl`,
  );
  process.exit(1);
}
console.log(
  `${needed.length} texts the participant's app can show (${items.length} items of ${files.length} modules), all in ${LANGUAGES.map((language) => `${language}/participant.ftl`).join(' and ')}`,
);
