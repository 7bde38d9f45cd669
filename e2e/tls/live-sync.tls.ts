// The live-sync journey through a TLS proxy (Caddy, as the README's recipe
// has it): the app at https://, live sync over wss://, every page a secure
// context by the browser's own judgement (the proxy's CA is trusted, no
// certificate error is ignored), and the relay tells browsers to keep to
// HTTPS.
import { expect, test } from '../fixtures/test';
import { liveSyncJourney } from '../journeys/live-sync';

test('two coordinators sync live through the relay behind TLS', async ({ browser, page }) => {
  const response = await page.goto('/health');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['strict-transport-security']).toMatch(/^max-age=\d+/);
  expect((await response?.securityDetails())?.protocol).toMatch(/^TLS/);

  await liveSyncJourney(browser, { secure: true });
});
