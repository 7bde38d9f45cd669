// One programme's pages as a coordinator uses them.
import { expect, type Page } from '@playwright/test';
import { saveDownload } from '../fixtures/download';

export class ProgrammePage {
  constructor(private readonly page: Page) {}

  async openFromList(name: string) {
    await this.page.getByTestId('programme-card').filter({ hasText: name }).getByRole('link').click();
    await expect(this.page.getByTestId('programme-title')).toHaveText(name);
  }

  async tab(name: 'nav-dashboard' | 'nav-people' | 'nav-tandems' | 'nav-import' | 'nav-settings') {
    await this.page.getByTestId(name).click();
  }

  async importFile(fileName: string, buffer: Buffer) {
    await this.tab('nav-import');
    await this.page.getByTestId('import-file').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer });
    await expect(this.page.getByTestId('import-summary')).toBeVisible();
  }

  importRow(line: number) {
    return this.page.locator(`[data-testid="import-row"][data-line="${line}"]`);
  }

  /** Adds a person by name alone, from the people page. */
  async addPerson(name: string) {
    await this.tab('nav-people');
    await this.page.getByTestId('new-person').click();
    await this.page.getByTestId('person-name').fill(name);
    await this.page.getByTestId('person-submit').click();
    await expect(this.page.getByTestId('person-heading')).toHaveText(name);
  }

  /** Waits until the people page lists `name` once (as a change arriving from a partner). */
  async expectPerson(name: string, timeout = 15_000) {
    await this.tab('nav-people');
    await expect(this.page.getByTestId('person-row').filter({ hasText: name })).toHaveCount(1, { timeout });
  }

  async openPerson(name: string) {
    await this.tab('nav-people');
    await this.page.getByTestId('people-search').fill(name);
    await this.page.getByTestId('person-row').filter({ hasText: name }).getByRole('link').click();
    await expect(this.page.getByTestId('person-heading')).toHaveText(name);
  }

  async recordInterview(by: string, notes: string) {
    await this.page.getByTestId('interview-by').fill(by);
    await this.page.getByTestId('interview-notes').fill(notes);
    await this.page.getByTestId('interview-submit').click();
    await expect(this.page.getByTestId('interview-info')).toContainText(`von ${by} (30 Minuten)`);
  }

  async accept() {
    await this.page.getByTestId('decide-accept').click();
    await expect(this.page.getByTestId('person-stage')).toContainText('angenommen');
  }

  async formTandem(mentee: string, mentor: string) {
    await this.tab('nav-tandems');
    await this.page.getByTestId('tandem-mentee').selectOption({ label: mentee });
    await this.page.getByTestId('tandem-mentor').selectOption({ label: mentor });
    await this.page.getByTestId('tandem-submit').click();
  }

  async download(testId: string) {
    return saveDownload(this.page, () => this.page.getByTestId(testId).click());
  }
}
