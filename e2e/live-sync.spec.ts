// Düsseldorf shares the programme live, Köln joins by the invite link, and
// changes flow both ways within seconds, through a relay that stores only
// ciphertext. Köln goes offline, keeps working, and everything arrives
// after reconnecting; a link with a wrong key is refused with a reason
// (the steps: journeys/live-sync.ts).
import { test } from './fixtures/test';
import { liveSyncJourney } from './journeys/live-sync';

test('two coordinators sync live through the relay, also after being offline', async ({ browser }) => {
  await liveSyncJourney(browser);
});
