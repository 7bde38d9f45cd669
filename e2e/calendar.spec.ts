// The year of the four-administration cross-mentoring: the coordinators
// plan the info event, kick-off, three seminars, two network meetings and
// the closing ceremony; mark who came at the door; see who is missing
// what; issue one certificate against the rules with a reason; print the
// certificates to PDF (one A4 page each); and hand out the calendar as an
// .ics file that a calendar program reads with the right times and UIDs.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, allowFor, test } from './fixtures/test';
import { pdfPages } from './fixtures/pdf';
import ICAL from 'ical.js';
import { ProgrammesPage } from './pages/programmes-page';
import { ProgrammePage } from './pages/programme-page';
import { CalendarPage, type NewEvent } from './pages/calendar-page';

const programme = {
  author: 'Petra Probe',
  name: 'Cross-Mentoring Nordhessen 2026',
  start: '2026-01-15',
  end: '2027-01-31',
  partners: ['Stadt Baunatal', 'Landkreis Kassel', 'Stadt Kassel', 'Regierungspräsidium Kassel'],
};

// Invented participants, already accepted in the spreadsheet.
const people = [
  'Vorname;Nachname;Rolle;Organisation;E-Mail;Stand',
  'Anja;Amsel;Mentee;Stadt Baunatal;anja.amsel@example.org;angenommen',
  'Berit;Buche;Mentee;Landkreis Kassel;berit.buche@example.org;angenommen',
  'Cora;Clausen;Mentee;Stadt Kassel;cora.clausen@example.org;angenommen',
  'Dagmar;Dorn;Mentorin;Regierungspräsidium Kassel;dagmar.dorn@example.org;angenommen',
].join('\r\n');

const events: NewEvent[] = [
  { kind: 'info-event', title: 'Infoveranstaltung online', day: '2026-01-20', from: '18:00', to: '19:30', hours: '1,5', link: 'https://meet.example.org/nordhessen-info' },
  { kind: 'kick-off', title: 'Auftakt im Rathaus', day: '2026-02-06', from: '14:00', to: '18:00', hours: '4', place: 'Rathaus Baunatal' },
  { kind: 'seminar', title: 'Seminar 1: Führung', day: '2026-03-13', from: '09:00', to: '17:00', hours: '8', place: 'Landratsamt Kassel', audience: 'mentees' },
  { kind: 'seminar', title: 'Seminar 2: Verhandeln', day: '2026-06-12', from: '09:00', to: '17:00', hours: '8', place: 'Rathaus Kassel', audience: 'mentees' },
  { kind: 'seminar', title: 'Seminar 3: Sichtbarkeit', day: '2026-09-18', from: '09:00', to: '17:00', hours: '8', place: 'Regierungspräsidium', audience: 'mentees' },
  { kind: 'network-meeting', title: 'Netzwerktreffen Frühjahr', day: '2026-04-23', from: '17:00', to: '20:00', hours: '3', place: 'Stadthalle Baunatal' },
  { kind: 'network-meeting', title: 'Netzwerktreffen Herbst', day: '2026-10-22', from: '17:00', to: '20:00', hours: '3', place: 'Kulturbahnhof Kassel' },
  { kind: 'closing-ceremony', title: 'Abschlussfeier', day: '2027-01-29', from: '17:00', to: '20:00', hours: '3', place: 'Rathaus Kassel' },
];

test('a programme year: events, attendance at the door, rules, certificates printed on A4 and a calendar file', async ({ page }, testInfo) => {
  allowFor(240_000);
  const programmes = new ProgrammesPage(page);
  const workspace = new ProgrammePage(page);
  const calendar = new CalendarPage(page);

  await programmes.open();
  await programmes.create(programme);
  await expect(programmes.success()).toBeVisible();
  await workspace.openFromList(programme.name);
  await workspace.importFile('teilnehmende.csv', Buffer.from('\ufeff' + people + '\r\n', 'utf8'));
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // The year's plan.
  await calendar.open();
  await expect(page.getByTestId('calendar-empty')).toBeVisible();
  for (const event of events) {
    await calendar.createEvent(event);
  }
  await expect(calendar.rows()).toHaveCount(events.length);
  // Listed in the order they take place, whatever order they were entered.
  await expect(calendar.rows().first()).toContainText('Infoveranstaltung online');
  await expect(calendar.rows().last()).toContainText('Abschlussfeier');

  // The month view shows the kick-off in February 2026.
  await page.getByTestId('calendar-view-month').click();
  const months = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
  const [shownMonth, shownYear] = ((await page.getByTestId('month-title').textContent()) ?? '').split(' ');
  const steps = (Number(shownYear) - 2026) * 12 + months.indexOf(shownMonth) - 1;
  for (let step = 0; step < Math.abs(steps); step += 1) {
    await page.getByTestId(steps > 0 ? 'month-previous' : 'month-next').click();
  }
  await expect(page.getByTestId('month-title')).toHaveText('Februar 2026');
  await expect(page.getByTestId('month-event')).toHaveText(['14:00 Auftakt im Rathaus']);
  await page.getByTestId('calendar-view-list').click();

  // The rules for the certificate: 20 hours, 2 of 3 seminars, the closing ceremony.
  await page.getByTestId('nav-certificates').click();
  await page.getByTestId('completion-hours').fill('20');
  await page.getByTestId('completion-count-seminar').fill('2');
  await page.getByTestId('completion-tandem').uncheck();
  await page.getByTestId('completion-closing').check();
  await page.getByTestId('completion-save').click();
  await expect(page.getByTestId('completion-done')).toBeVisible();

  // At the door, on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const attendance: Record<string, [string, 'attended' | 'excused' | 'absent'][]> = {
    'Auftakt im Rathaus': [['Anja Amsel', 'attended'], ['Berit Buche', 'attended'], ['Cora Clausen', 'attended'], ['Dagmar Dorn', 'attended']],
    'Seminar 1: Führung': [['Anja Amsel', 'attended'], ['Berit Buche', 'attended'], ['Cora Clausen', 'attended']],
    'Seminar 2: Verhandeln': [['Anja Amsel', 'attended'], ['Berit Buche', 'excused'], ['Cora Clausen', 'attended']],
    'Seminar 3: Sichtbarkeit': [['Anja Amsel', 'attended'], ['Berit Buche', 'absent'], ['Cora Clausen', 'excused']],
    Abschlussfeier: [['Anja Amsel', 'attended'], ['Berit Buche', 'attended'], ['Cora Clausen', 'attended'], ['Dagmar Dorn', 'attended']],
  };
  for (const [title, marks] of Object.entries(attendance)) {
    await calendar.openEvent(title);
    for (const [name, mark] of marks) {
      await calendar.mark(name, mark);
    }
  }
  // The seminars are for mentees: the mentor is not on their list.
  await calendar.openEvent('Seminar 3: Sichtbarkeit');
  await expect(calendar.attendee('Dagmar Dorn')).toHaveCount(0);
  await expect(page.getByTestId('attendance-counts')).toContainText('Anwesend: 1 · Entschuldigt: 1 · Abwesend: 1 · Offen: 0');
  // A touch target at the door is big enough for a thumb.
  const button = await calendar.attendee('Anja Amsel').getByTestId('mark-attended').boundingBox();
  expect(button?.height ?? 0).toBeGreaterThanOrEqual(44);
  // Cora left the closing ceremony early: two of its three hours.
  await calendar.openEvent('Abschlussfeier');
  // Typed and left with Tab, as at the door: the field saves when it is
  // left. (Playwright's `fill` sets the value the way a script would, and
  // Firefox, rightly, fires no `change` for that; typing does.)
  const coraHours = calendar.attendee('Cora Clausen').getByTestId('attendance-hours');
  await coraHours.click();
  await coraHours.pressSequentially('2');
  await coraHours.press('Tab');
  await expect(coraHours).toHaveValue('2');
  await page.setViewportSize({ width: 1366, height: 900 });

  // Who is missing what, on a person's page.
  await workspace.openPerson('Berit Buche');
  await expect(page.getByTestId('participation-hours')).toContainText('15');
  const berit = page.getByTestId('participation');
  await expect(berit.locator('[data-testid="rule"][data-met="false"]')).toHaveCount(2);
  await expect(berit).toContainText('Seminare: 1 von 2');
  await expect(berit).toContainText('Stunden: 15 von 20');
  await expect(page.getByTestId('participation-certificate')).toHaveText('Noch nicht erfüllt');

  // The overview: Anja and Cora meet the rules (Cora's two hours at the
  // closing still make 22); Berit and the mentor do not yet.
  await page.getByTestId('nav-certificates').click();
  const row = (name: string) => page.locator(`[data-testid="completion-row"][data-name="${name}"]`);
  await expect(row('Anja Amsel').getByTestId('certificate-state')).toHaveText('Regeln erfüllt');
  await expect(row('Anja Amsel').getByTestId('completion-row-hours')).toHaveText('31');
  await expect(row('Cora Clausen').getByTestId('completion-row-hours')).toHaveText('22');
  await expect(row('Cora Clausen').getByTestId('certificate-state')).toHaveText('Regeln erfüllt');
  await expect(row('Dagmar Dorn').getByTestId('certificate-state')).toHaveText('Noch nicht erfüllt');
  await expect(row('Berit Buche').getByTestId('certificate-state')).toHaveText('Noch nicht erfüllt');

  // Cancelling the third seminar takes its hours away again: nobody loses a
  // seminar they attended, Anja keeps 2 of 3.
  await calendar.openEvent('Seminar 3: Sichtbarkeit');
  await page.getByTestId('event-cancel').click();
  await expect(page.getByTestId('event-cancelled')).toBeVisible();
  await page.getByTestId('nav-certificates').click();
  await expect(row('Anja Amsel').getByTestId('completion-row-hours')).toHaveText('23');
  await expect(row('Anja Amsel').getByTestId('certificate-state')).toHaveText('Regeln erfüllt');

  // Berit was ill for the second seminar and caught up; the coordinators
  // issue her certificate anyway, with the reason on record.
  await row('Berit Buche').getByTestId('certificate-grant-open').click();
  await row('Berit Buche').getByTestId('certificate-grant-reason').fill('Krank beim zweiten Seminar, Inhalte im Einzeltermin nachgeholt');
  await row('Berit Buche').getByTestId('certificate-grant-submit').click();
  await expect(row('Berit Buche').getByTestId('certificate-state')).toHaveText('Ausnahme ausgestellt');
  await expect(row('Berit Buche')).toContainText('Ausgestellt von Petra Probe');

  const certificates = page.getByTestId('certificate');
  await expect(certificates).toHaveCount(3);
  await expect(page.getByTestId('certificate-name')).toHaveText(['Anja Amsel', 'Berit Buche', 'Cora Clausen']);
  const anja = certificates.filter({ hasText: 'Anja Amsel' });
  await expect(anja).toContainText('Teilnahmebescheinigung');
  await expect(anja).toContainText('Cross-Mentoring Nordhessen 2026');
  await expect(anja.getByTestId('certificate-hours')).toContainText('23 Stunden');
  await expect(anja).toContainText('Regierungspräsidium Kassel');

  // Printed to PDF the way the browser prints: one A4 page per certificate.
  // Firefox over WebDriver BiDi cannot show the page as printed (no media
  // emulation there); its PDF below is still the browser's own print.
  await page.emulateMedia({ media: 'print' });
  if (await page.evaluate(() => matchMedia('print').matches)) {
    await expect(page.getByTestId('completion-table')).toBeHidden();
    await expect(page.locator('.app-header')).toBeHidden();
  }
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  const pdfPath = testInfo.outputPath('teilnahmebescheinigungen.pdf');
  writeFileSync(pdfPath, pdf);
  await testInfo.attach('certificates', { path: pdfPath, contentType: 'application/pdf' });
  expect(await pdfPages(pdf)).toEqual({ count: 3, allA4: true });
  await page.emulateMedia({ media: 'screen' });

  // The whole calendar as a file, read by a calendar parser.
  await calendar.open();
  const whole = await calendar.download('calendar-ics');
  expect(whole.name).toMatch(/\.ics$/);
  const text = readFileSync(whole.path!, 'utf8');
  const vcalendar = new ICAL.Component(ICAL.parse(text));
  const timezone = vcalendar.getFirstSubcomponent('vtimezone');
  expect(timezone?.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
  ICAL.TimezoneService.register(timezone!);
  const vevents = vcalendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
  expect(vevents.map((event) => event.summary)).toEqual([
    'Infoveranstaltung online',
    'Auftakt im Rathaus',
    'Seminar 1: Führung',
    'Netzwerktreffen Frühjahr',
    'Seminar 2: Verhandeln',
    'Seminar 3: Sichtbarkeit',
    'Netzwerktreffen Herbst',
    'Abschlussfeier',
  ]);
  const info = vevents[0];
  expect(info.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
  expect(info.startDate.zone?.tzid).toBe('Europe/Berlin');
  expect(info.startDate.toString()).toBe('2026-01-20T18:00:00');
  // 18:00 in Berlin in January is 17:00 UTC; 09:00 in June is 07:00 UTC.
  expect(new Date(info.startDate.toUnixTime() * 1000).toISOString()).toBe('2026-01-20T17:00:00.000Z');
  expect(new Date(vevents[4].startDate.toUnixTime() * 1000).toISOString()).toBe('2026-06-12T07:00:00.000Z');
  expect(new Date(vevents[4].endDate.toUnixTime() * 1000).toISOString()).toBe('2026-06-12T15:00:00.000Z');
  expect(info.location).toBe('https://meet.example.org/nordhessen-info');
  expect(vevents[5].component.getFirstPropertyValue('status')).toBe('CANCELLED');

  // One event's own file carries the same UID, made from the event's id,
  // so importing it again updates the entry instead of adding a second.
  await calendar.openEvent('Seminar 2: Verhandeln');
  const eventId = page.url().split('/').pop();
  const single = await calendar.download('event-ics');
  const singleEvents = new ICAL.Component(ICAL.parse(readFileSync(single.path!, 'utf8'))).getAllSubcomponents('vevent');
  expect(singleEvents).toHaveLength(1);
  expect(singleEvents[0].getFirstPropertyValue('uid')).toBe(`${eventId}@tandem-mentoring`);
  expect(singleEvents[0].getFirstPropertyValue('uid')).toBe(vevents[4].uid);
  expect(Number(singleEvents[0].getFirstPropertyValue('sequence'))).toBeGreaterThanOrEqual(
    Number(vevents[4].component.getFirstPropertyValue('sequence')),
  );

  // Everything survives a reload: it is all in the browser.
  await page.reload();
  await expect(page.getByTestId('event-heading')).toContainText('Seminar 2: Verhandeln');
  await expect(calendar.attendee('Anja Amsel')).toHaveAttribute('data-status', 'attended');
});
