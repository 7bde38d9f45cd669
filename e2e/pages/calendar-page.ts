// The calendar, an event's attendance list and the certificates, as a
// coordinator uses them.
import { expect, type Page } from '@playwright/test';
import { saveDownload } from '../fixtures/download';

export interface NewEvent {
  /** The kind's code: info-event, kick-off, seminar, network-meeting, closing-ceremony … */
  kind: string;
  title: string;
  day: string;
  from: string;
  to: string;
  hours: string;
  place?: string;
  link?: string;
  audience?: string;
}

export type Mark = 'invited' | 'registered' | 'attended' | 'excused' | 'absent';

export class CalendarPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByTestId('nav-calendar').click();
    await expect(this.page.getByRole('heading', { name: /Kalender|Calendar/ }).first()).toBeVisible();
  }

  async createEvent(event: NewEvent) {
    await this.page.getByTestId('new-event-kind').selectOption(event.kind);
    await this.page.getByTestId('new-event-title').fill(event.title);
    await this.page.getByTestId('new-event-start-day').fill(event.day);
    await this.page.getByTestId('new-event-start-time').fill(event.from);
    await this.page.getByTestId('new-event-end-time').fill(event.to);
    await this.page.getByTestId('new-event-hours').fill(event.hours);
    if (event.place) await this.page.getByTestId('new-event-place').fill(event.place);
    if (event.link) await this.page.getByTestId('new-event-link').fill(event.link);
    if (event.audience) await this.page.getByTestId('new-event-audience').selectOption(event.audience);
    await this.page.getByTestId('new-event-submit').click();
    await expect(this.page.getByTestId('event-created')).toContainText(event.title);
  }

  rows() {
    return this.page.getByTestId('calendar-row');
  }

  async openEvent(title: string) {
    await this.page.getByTestId('nav-calendar').click();
    await this.rows().getByRole('link', { name: title, exact: true }).click();
    await expect(this.page.getByTestId('event-heading')).toContainText(title);
  }

  attendee(name: string) {
    return this.page.locator(`[data-testid="attendance-row"][data-name="${name}"]`);
  }

  async mark(name: string, mark: Mark) {
    const row = this.attendee(name);
    await row.getByTestId(`mark-${mark}`).click();
    await expect(row).toHaveAttribute('data-status', mark);
  }

  async download(testId: string) {
    return saveDownload(this.page, () => this.page.getByTestId(testId).click());
  }
}
