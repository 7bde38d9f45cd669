// Everyone can use Tandem: every page passes axe-core without serious or
// critical findings on a laptop and on a phone, and the start page works
// with the keyboard alone.
import { expect, allowFor, test, type Page } from './fixtures/test';
import { audit, isSerious, type Finding } from './fixtures/axe';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { windows1252Csv } from './fixtures/people';
import { duesseldorfKoeln } from './fixtures/programmes';

const programme = duesseldorfKoeln;

const viewports = [
  { name: 'laptop', width: 1366, height: 768 },
  { name: 'phone', width: 390, height: 844 },
];

function describe(findings: Finding[]) {
  return findings
    .map((finding) => {
      const where = finding.nodes.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`);
      return [`${finding.impact}: ${finding.id} (${finding.help})`, ...where].join('\n');
    })
    .join('\n');
}

/** A programme with people, two of them in a tandem: every page has something to show. */
async function programmeWithATandem(page: Page) {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(programme.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await workspace.openPerson('Aylin Korkmaz');
  await workspace.accept();
  const person = page.url();
  await workspace.openPerson('Nora Xanthopoulos');
  await workspace.accept();
  await workspace.formTandem('Aylin Korkmaz (Stadt Köln)', 'Nora Xanthopoulos (Landeshauptstadt Düsseldorf)');
  await expect(page.getByTestId('tandem-row')).toHaveCount(1);
  await page.getByTestId('tandem-row').getByRole('link').first().click();
  await expect(page.getByTestId('tandem-status')).toBeVisible();
  const tandem = page.url();
  // An event with its attendance list, Aylin on it.
  await page.getByTestId('nav-calendar').click();
  await page.getByTestId('new-event-title').fill('Auftakt');
  await page.getByTestId('new-event-start-day').fill('2026-02-06');
  await page.getByTestId('new-event-hours').fill('4');
  await page.getByTestId('new-event-submit').click();
  await page.getByTestId('event-created').getByRole('link').click();
  await page.getByTestId('mark-attended').first().click();
  const event = page.url();

  // Every part of the programme the navigation offers, whatever it offers.
  const parts = await page
    .locator('nav.tabs a')
    .evaluateAll((links) => links.map((link) => [link.getAttribute('data-testid') ?? link.textContent ?? '', (link as HTMLAnchorElement).href]));
  const overview = parts.find(([name]) => name === 'nav-people')?.[1].replace(/\/people$/, '') ?? '';
  return [
    ['start page', '/'],
    ...parts,
    ['a person', person],
    ['intake form', `${overview}/people/new`],
    ['a tandem', tandem],
    ['an event', event],
    ['outcomes', `${overview}/report/outcomes`],
    ['questionnaires', `${overview}/report/surveys`],
    ['privacy notice', '/datenschutz'],
  ];
}

test('every page has no serious or critical accessibility findings, in German and English, on a laptop and on a phone', async ({ page }) => {
  allowFor(300_000);
  await page.setViewportSize(viewports[0]);
  const pages = await programmeWithATandem(page);
  expect(pages.length).toBeGreaterThanOrEqual(11);

  const problems: string[] = [];
  for (const language of ['de', 'en'] as const) {
    await page.goto('/');
    await page.getByTestId(`language-${language}`).click();
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    for (const viewport of viewports) {
      await page.setViewportSize(viewport);
      for (const [name, address] of pages) {
        await page.goto(address);
        await expect(page.locator('main h1, main h2').first()).toBeVisible();
        await expect(page.getByRole('status').filter({ hasText: /lädt|loading/i })).toHaveCount(0);
        const findings = await audit(page);
        const serious = findings.filter(isSerious);
        if (serious.length > 0) problems.push(`${name} (${language}, ${viewport.name}, ${address}):\n${describe(serious)}`);
        const minor = findings.filter((finding) => !serious.includes(finding));
        if (minor.length > 0) {
          test.info().annotations.push({ type: `axe, minor (${name}, ${language}, ${viewport.name})`, description: describe(minor) });
        }
      }
    }
  }
  expect(problems, problems.join('\n\n')).toEqual([]);
});

test('the import preview and the programme list have no serious or critical findings', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  const list = await audit(page);
  expect(list.filter(isSerious), describe(list)).toEqual(
    [],
  );
  await workspace.openFromList(programme.name);
  await workspace.importFile('bewerbungen.csv', windows1252Csv());
  const preview = await audit(page);
  expect(
    preview.filter(isSerious),
    describe(preview),
  ).toEqual([]);
});

/** Presses Tab until the element with this test id has the focus. */
async function tabTo(page: Page, testId: string, most = 25) {
  for (let presses = 0; presses < most; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
  }
  throw new Error(`${testId} cannot be reached with the Tab key`);
}

test('the skip link comes first and moves the focus to the content', async ({ page }) => {
  await new ProgrammesPage(page).open();
  await page.keyboard.press('Tab');
  const skip = page.locator('.skip-link');
  await expect(skip).toBeFocused();
  await expect(skip).toHaveText('Zum Inhalt springen');
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // The next Tab continues inside the content, not in the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main') != null)).toBe(true);
});

/**
 * Types a date into the focused date field as a person would. The field
 * shows day and month in the order of the browser's own language, so the
 * other order is tried when the first gives another date.
 */
async function typeDate(page: Page, testId: string, iso: string) {
  const [year, month, day] = iso.split('-');
  const field = page.getByTestId(testId);
  for (const digits of [`${day}${month}${year}`, `${month}${day}${year}`]) {
    await page.keyboard.type(digits);
    if ((await field.inputValue()) === iso) return;
    // Back from the year to the first part of the field: each part takes the focus in turn.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
  }
  await expect(field).toHaveValue(iso);
}

test('a programme can be created with the keyboard alone', async ({ page }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  if ((await page.getByTestId('author-name').count()) > 0) {
    await tabTo(page, 'author-name');
    await page.keyboard.type('Petra Probe');
  }
  await tabTo(page, 'programme-name');
  await page.keyboard.type('Politisches Mentoring Kassel 2026');
  await tabTo(page, 'programme-start');
  await typeDate(page, 'programme-start', '2026-03-01');
  await tabTo(page, 'programme-end');
  await typeDate(page, 'programme-end', '2027-02-28');
  await tabTo(page, 'partner-0');
  await page.keyboard.type('Stadt Kassel');
  await tabTo(page, 'partner-1');
  await page.keyboard.type('Landkreis Kassel');
  // A third partner: the new field takes the focus.
  await tabTo(page, 'add-partner');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('partner-2')).toBeFocused();
  await page.keyboard.type('Regierungspräsidium Kassel');
  await tabTo(page, 'create-programme');
  await page.keyboard.press('Enter');
  await expect(programmes.success()).toContainText('wurde angelegt');
  const card = programmes.card('Politisches Mentoring Kassel 2026');
  await expect(card).toContainText('01.03.2026 bis 28.02.2027');
  await expect(card).toContainText('Landkreis Kassel · Regierungspräsidium Kassel · Stadt Kassel');
});

test('live sharing and the join page have no serious or critical findings', async ({ page, browser }) => {
  const programmes = new ProgrammesPage(page);
  await programmes.open();
  await programmes.create(programme);
  await new ProgrammePage(page).openFromList(programme.name);
  await page.getByTestId('nav-exchange').click();
  await page.getByTestId('share-start').click();
  await expect(page.getByTestId('sync-status')).toHaveText('Abgeglichen');
  await page.getByTestId('access-invite').click();
  await page.locator('summary', { hasText: 'QR-Code' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  const serious = (findings: Finding[]) =>
    findings.filter(isSerious);
  const shared = await audit(page);
  expect(serious(shared), describe(shared)).toEqual([]);

  const other = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  for (const viewport of viewports) {
    await other.setViewportSize(viewport);
    await other.goto(link);
    await expect(other.getByTestId('join-link-submit')).toBeEnabled();
    const join = await audit(other);
    expect(serious(join), describe(join)).toEqual([]);
  }
});
