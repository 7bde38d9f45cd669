// Tandem's service worker: it keeps the app shell (index.html and every file
// it names: the hashed script, WebAssembly and style sheet, the icon, the
// manifest) in a cache, so that a coordinator who opened Tandem once can
// open it again at a workshop without a network. The programmes themselves
// live in IndexedDB and never pass through here.
//
// Two shells. A personal tandem link (/tandem) and the privacy notice
// (/datenschutz) are the participant's small app, which the relay sends for
// those addresses; every other address is the coordinators' app. A worker
// keeps the shells of the apps this browser has opened: the one of the page
// that installs it, those the previous version kept, and any other the
// first time it is opened online. A mentee's phone never downloads the
// coordinators' app in the background.
//
// Versions. The app registers this script as `/sw.js?v=<build>`, where the
// build is read from the published index.html. A new build therefore
// installs a new worker with its own cache, which waits until every tab of
// the old version is closed: a new version starts on the next opening of
// Tandem, never in the middle of someone's work. Starting never waits for
// the network: pages come from the cache first.

const CACHE_PREFIX = 'tandem-shell-';
const BUILD = new URL(self.location.href).searchParams.get('v') || 'unversioned';
const CACHE = CACHE_PREFIX + BUILD;
const COORDINATORS = '/';
const PARTICIPANT = '/tandem';
const PARTICIPANT_PATHS = [PARTICIPANT, '/datenschutz'];
const SHELLS = [COORDINATORS, PARTICIPANT];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shells = new Set([...(await shellsOfOpenPages()), ...(await shellsKeptBefore())]);
      if (shells.size === 0) shells.add(COORDINATORS);
      await Promise.all([...shells].map(cacheShell));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      // Only matters on the very first start: the open tab is looked after
      // at once. Later versions activate when no tab of the old one is open.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    // Every address of the app (/, /programme/…) is the same index.html;
    // addresses of files (with an extension) are left to the server.
    if (lastSegment(url.pathname).includes('.')) return;
    event.respondWith(openShell(event, shellFor(url.pathname)));
    return;
  }
  // A request that asks to bypass caches (the app's look for a newer
  // build) goes to the server as it is.
  if (request.cache === 'no-store' || request.cache === 'reload') return;
  event.respondWith(fromCacheOrNetwork(request));
});

/** The shell that shows `pathname`. */
function shellFor(pathname) {
  const path = pathname.replace(/\/+$/, '');
  return PARTICIPANT_PATHS.includes(path) ? PARTICIPANT : COORDINATORS;
}

/** The shells of this site's open pages, the installing one among them. */
async function shellsOfOpenPages() {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return pages.map((page) => shellFor(new URL(page.url).pathname));
}

/** The shells an earlier version of this worker kept. */
async function shellsKeptBefore() {
  const kept = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    for (const shell of SHELLS) {
      if (await cache.match(shell)) kept.push(shell);
    }
  }
  return kept;
}

/** Fetches a shell's page and every file it names, and keeps them together. */
async function cacheShell(shell) {
  const response = await fetch(shell, { cache: 'no-store' });
  if (!response.ok) throw new Error(`index.html could not be loaded (${response.status})`);
  const html = await response.clone().text();
  const files = filesNamedIn(html);
  const cache = await caches.open(CACHE);
  // Checked with the server rather than fetched anew: what the page has
  // just loaded comes from the browser's HTTP cache when the server says it
  // is unchanged (304), so a first visit does not download the app twice.
  await cache.addAll(files.map((path) => new Request(path, { cache: 'no-cache' })));
  const manifest = files.find((path) => path.endsWith('.webmanifest'));
  if (manifest) await cache.addAll(await iconsOf(cache, manifest));
  await cache.put(shell, response);
}

/** Same-origin files the page's head links to or imports. */
function filesNamedIn(html) {
  const head = html.split(/<\/head>/i)[0];
  const paths = new Set();
  const references = [
    ...head.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi),
    // The start script imports the JavaScript and WebAssembly by path.
    ...head.matchAll(/["'](\/[^"'\s]+\.(?:js|wasm))["']/g),
  ];
  for (const [, reference] of references) {
    const url = new URL(reference, self.location.origin);
    if (url.origin === self.location.origin && !SHELLS.includes(url.pathname)) paths.add(url.pathname);
  }
  return [...paths];
}

/** The icons a cached manifest names, so that an installed app has them. */
async function iconsOf(cache, manifestPath) {
  const response = await cache.match(manifestPath);
  if (!response) return [];
  try {
    const manifest = await response.json();
    const icons = Array.isArray(manifest.icons) ? manifest.icons : [];
    return icons
      .map((icon) => new URL(String(icon.src), new URL(manifestPath, self.location.origin)))
      .filter((url) => url.origin === self.location.origin)
      .map((url) => url.pathname);
  } catch {
    return [];
  }
}

/** The shell from the cache; the first time, from the server, kept for next time. */
async function openShell(event, shell) {
  const cached = await caches.match(shell, { cacheName: CACHE });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok) event.waitUntil(cacheShell(shell).catch(() => undefined));
  return response;
}

async function fromCacheOrNetwork(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

function lastSegment(pathname) {
  return pathname.slice(pathname.lastIndexOf('/') + 1);
}
