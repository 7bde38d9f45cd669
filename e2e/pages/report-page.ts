// The report, outcomes and questionnaires as a coordinator uses them.
import { expect, type Page } from '@playwright/test';
import { saveDownload } from '../fixtures/download';

export interface RecordedOutcome {
  mentee: string;
  when?: 'end' | 'after-6-months' | 'after-12-months';
  aimed?: 'yes' | 'no';
  postOn?: string;
  position?: string;
  goal?: 'fully' | 'partly' | 'not';
  recommend?: 'yes' | 'no';
}

export class ReportPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByTestId('nav-report').click();
    await expect(this.page.getByTestId('report')).toBeVisible();
  }

  section(id: string) {
    return this.page.getByTestId(`report-${id}`);
  }

  table(id: string) {
    return this.page.getByTestId(`report-table-${id}`);
  }

  /** The row of a report table whose first cell has this text. */
  row(table: string, label: string) {
    return this.table(table).locator('tbody tr').filter({ has: this.page.getByRole('rowheader', { name: label, exact: true }) });
  }

  async filter(organisation: string) {
    await this.page.getByTestId('report-organisation').selectOption(organisation === '' ? '' : { label: organisation });
  }

  async recordOutcome(outcome: RecordedOutcome) {
    await this.page.getByTestId('outcome-mentee').selectOption({ label: outcome.mentee });
    await this.page.getByTestId('outcome-when').selectOption(outcome.when ?? 'end');
    await this.page.getByTestId('outcome-aimed').selectOption(outcome.aimed ?? '');
    await this.page.getByTestId('outcome-goal').selectOption(outcome.goal ?? '');
    await this.page.getByTestId('outcome-recommend').selectOption(outcome.recommend ?? '');
    const reached = this.page.getByTestId('outcome-reached');
    if (outcome.postOn) {
      await reached.check();
      await this.page.getByTestId('outcome-post-on').fill(outcome.postOn);
      await this.page.getByTestId('outcome-position').fill(outcome.position ?? 'Sachgebietsleitung');
    } else {
      await reached.uncheck();
    }
    await this.page.getByTestId('outcome-save').click();
    await expect(this.page.getByTestId('outcome-message')).toContainText(outcome.mentee);
  }

  async download(testId: string) {
    return saveDownload(this.page, () => this.page.getByTestId(testId).click());
  }
}
