// The relay's Content-Security-Policy stops a script injected into the
// page (and every journey would fail on such a violation), and a page that
// is not a secure context refuses to share a programme, saying why. A
// relay that opens new rooms only with its operator's code says so, and a
// coordinator who enters the code shares and publishes.
import { expect, test, chromium } from './fixtures/test';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { duesseldorfKoeln } from './fixtures/programmes';
import { Relay } from './webkit/webkit';
import { invite } from './fixtures/access';

test('a script injected into the page is blocked by the relay\'s policy', async ({ page, contentSecurityPolicy, browserName }) => {
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain("'unsafe-inline'");
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page.getByTestId('programme-count')).toBeVisible();

  // What an attacker's markup would do: add an inline script. The page
  // itself hears that the policy blocked it. (The journeys' watch for
  // violations passes by those of code the driver evaluated, which is how
  // Firefox sees this script; Chromium reports it to the watch as well.)
  await page.evaluate(() => {
    const blocked: string[] = [];
    (window as unknown as { blocked: string[] }).blocked = blocked;
    document.addEventListener('securitypolicyviolation', (event) => blocked.push(event.violatedDirective));
    const script = document.createElement('script');
    script.textContent = 'window.injected = true;';
    document.head.append(script);
  });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { blocked: string[] }).blocked.join('\n')))
    .toContain('script-src');
  if (browserName === 'chromium') await expect.poll(() => contentSecurityPolicy.join('\n')).toContain('script-src');
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  // Seen and expected: not a failure of this journey.
  contentSecurityPolicy.length = 0;
});

test('a page loaded without TLS refuses to share a programme and says why', async ({ baseURL, browserName, playwright }, testInfo) => {
  const port = new URL(baseURL ?? '').port;
  // A name for this computer that is not "localhost": the browser does
  // not count a page under it, over plain HTTP, as a secure context.
  // Each browser of the project is told the name its own way.
  const project = testInfo.project.use;
  const browser =
    browserName === 'firefox'
      ? await playwright.firefox.launch({
          ...project.launchOptions,
          channel: project.channel,
          firefoxUserPrefs: { 'network.dns.localDomains': 'tandem.test' },
        })
      : await chromium.launch({
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP tandem.test 127.0.0.1'],
        });
  try {
    const context = await browser.newContext({ locale: 'de-DE', baseURL: `http://tandem.test:${port}` });
    const page = await context.newPage();
    const programmes = new ProgrammesPage(page);
    await programmes.open();
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    // Outside a secure context nothing can be sealed: Tandem says so and
    // stores nothing until the coordinator chooses to store unprotected.
    await expect(page.getByTestId('at-rest-notice')).toContainText('ohne HTTPS');
    await page.getByTestId('at-rest-store-anyway').click();
    await programmes.create({ ...duesseldorfKoeln, name: 'Unsicher geteilt' });
    await new ProgrammePage(page).openFromList('Unsicher geteilt');

    await page.getByTestId('nav-exchange').click();
    await page.getByTestId('share-start').click();
    await expect(page.getByTestId('share-error')).toContainText('sichere Verbindung (https://)');
    await expect(page.getByTestId('sync-status')).toHaveText('Nur auf diesem Gerät');
    await expect(page.getByTestId('share-link')).toHaveCount(0);

    // Joining by a link is refused the same way, before anything is sent.
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await page.goto(`/join#room=${'0'.repeat(32)}&key=${'A'.repeat(43)}`);
    await page.getByTestId('join-link-submit').click();
    await expect(page.getByTestId('join-link-error')).toContainText('sichere Verbindung (https://)');
    expect(sockets).toBe(0);
  } finally {
    await browser.close();
  }
});

test('a relay that asks for its operator\'s code opens rooms and inboxes only with it', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const code = 'netzwerk-nrw-2027';
  const port = Number(process.env.TANDEM_E2E_PORT ?? 4173) + 20 + testInfo.parallelIndex;
  const relay = new Relay(port, ['--room-creation-secret', code]);
  await relay.start();
  try {
    const open = async (name: string) => {
      const context = await browser.newContext({ locale: 'de-DE', baseURL: relay.url });
      const page = await context.newPage();
      const programmes = new ProgrammesPage(page);
      await programmes.open();
      await programmes.create({ ...duesseldorfKoeln, name });
      await new ProgrammePage(page).openFromList(name);
      return { context, page };
    };

    // Without the code: sharing is refused, and the coordinator is told
    // where the code goes; so is publishing an application form.
    const without = await open('Ohne Code');
    await without.page.getByTestId('nav-exchange').click();
    await without.page.getByTestId('share-start').click();
    await expect(without.page.getByTestId('sync-status')).toContainText('Zugangscode', { timeout: 20_000 });
    await without.page.getByTestId('nav-settings').click();
    await without.page.getByTestId('intake-link-publish').click();
    await expect(without.page.getByTestId('intake-link-outcome-error')).toContainText('Zugangscode');
    // Given the code, the same form goes to the relay.
    await without.page.getByTestId('room-code').locator('summary').click();
    await without.page.getByTestId('room-creation-code').fill(code);
    await without.page.getByTestId('intake-link-again').click();
    await expect(without.page.getByTestId('intake-link-outcome-done')).toBeVisible();
    const link = await without.page.getByTestId('intake-link-url').inputValue();
    // The public link carries no code.
    expect(link).not.toContain(code);
    const inbox = link.match(/inbox=([0-9a-f]{32})/)![1];
    expect((await without.page.request.get(`${relay.url}/inbox/${inbox}`)).status()).toBe(200);
    await without.context.close();

    // With the code entered before sharing, the programme is shared, and
    // the invitation it makes carries no code.
    const withCode = await open('Mit Code');
    await withCode.page.getByTestId('nav-exchange').click();
    await withCode.page.getByTestId('room-code').locator('summary').click();
    await withCode.page.getByTestId('room-creation-code').fill(code);
    await withCode.page.getByTestId('share-start').click();
    await expect(withCode.page.getByTestId('sync-status')).toHaveText('Abgeglichen', { timeout: 20_000 });
    const invitation = await invite(withCode.page);
    expect(invitation).not.toContain(code);
    await withCode.context.close();
  } finally {
    await relay.stop().catch(() => undefined);
  }
});
