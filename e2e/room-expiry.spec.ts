// A relay that keeps rooms only a short time after their last change
// (`--room-expiry-days`) tells a device that connects when it deletes the
// room (Frame::Expires); the share page says so and that any change keeps
// the room, until a change of this device is taken.
// (That a room further from its day is not announced is the relay's
// test, crates/relay/tests/expiry.rs.)
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';

const relayBinary = process.env.TANDEM_RELAY_BIN ?? 'target/release/tandem-relay';
const staticDir = process.env.TANDEM_STATIC_DIR ?? 'dist';
const EXPIRY_DAYS = 20;

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A relay of its own that keeps rooms `days` after their last change. */
async function shortLivedRelay(days: number): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const database = join(tmpdir(), `tandem-e2e-expiry-${port}-${process.pid}.sqlite3`);
  const relay: ChildProcess = spawn(
    relayBinary,
    ['--addr', `127.0.0.1:${port}`, '--static-dir', staticDir, '--db', database, '--metrics-addr', 'off'],
    {
      env: { ...process.env, TANDEM_ROOM_EXPIRY_DAYS: String(days), TANDEM_NEW_ROOMS_PER_HOUR: '100000' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    relay.kill('SIGTERM');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  };
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
    if (relay.exitCode !== null || Date.now() - started > 20_000) {
      stop();
      throw new Error(`the relay did not start (exit code ${relay.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates the programme on the relay at `baseURL` and shares it live. */
async function share(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'de-DE', baseURL });
  const page = await context.newPage();
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await programmes.create(duesseldorfKoeln);
  await new ProgrammePage(page).openFromList(duesseldorfKoeln.name);
  await page.getByTestId('nav-exchange').click();
  await page.getByTestId('share-start').click();
  await expect(page.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await expect(page.getByTestId('access-members')).toBeVisible();
  return page;
}

test('the share page says when a relay that keeps rooms 20 days deletes the room', async ({ browser }) => {
  const relay = await shortLivedRelay(EXPIRY_DAYS);
  try {
    const page = await share(browser, relay.url);
    // Sharing pushed the programme, a change, which keeps the room: the
    // relay names the day to a device that comes back without one.
    await page.reload();
    await page.getByTestId('nav-exchange').click();
    await expect(page.getByTestId('sync-status')).toHaveText('Abgeglichen');
    // The day the browser itself names for 20 days on (either side of a
    // midnight passed meanwhile).
    const days = await page.evaluate((ahead) => {
      const day = (offset: number) =>
        new Date(Date.now() + offset * 86_400_000).toLocaleDateString('de-DE', { dateStyle: 'medium' });
      return [day(ahead), day(ahead + 1)];
    }, EXPIRY_DAYS);
    const notice = page.getByTestId('share-expires');
    await expect(notice).toContainText('Das Relay löscht diesen Raum am');
    await expect(notice).toContainText('Jede Änderung am Programm hält den Raum offen.');
    const text = (await notice.textContent()) ?? '';
    expect(
      days.some((day) => text.includes(day)),
      `the notice names ${days[0]}: ${text}`,
    ).toBe(true);

    // A change taken by the relay ends the notice.
    await page.getByTestId('nav-people').click();
    await page.getByTestId('new-person').click();
    await page.getByTestId('person-name').fill('Dana Düssel');
    await page.getByTestId('person-submit').click();
    await expect(page.getByTestId('person-heading')).toHaveText('Dana Düssel');
    await expect(page.getByTestId('sync-status')).toHaveText('Abgeglichen');
    await page.getByTestId('nav-exchange').click();
    await expect(page.getByTestId('access-members')).toBeVisible();
    await expect(page.getByTestId('share-expires')).toHaveCount(0);
  } finally {
    relay.stop();
  }
});
