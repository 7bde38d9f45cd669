// The exchange page: files between coordinators, and conflicts.
import { expect, type Page } from '@playwright/test';
import { saveDownload } from '../fixtures/download';

export class ExchangePage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByTestId('nav-exchange').click();
    await expect(this.page.getByTestId('conflicts')).toBeVisible();
  }

  /** Makes a file and returns where the browser saved it. */
  async export(kind: 'export-invite' | 'export-changes' | 'export-whole', partner?: string) {
    if (partner) {
      await this.page.getByTestId('exchange-partner').selectOption({ label: partner });
    }
    return (await saveDownload(this.page, () => this.page.getByTestId(kind).click())).path;
  }

  async preview(path: string) {
    await this.page.getByTestId('exchange-file').setInputFiles(path);
  }

  async merge(path: string) {
    await this.preview(path);
    await expect(this.page.getByTestId('merge-preview')).toBeVisible();
    await this.page.getByTestId('merge-confirm').click();
    await expect(this.page.getByTestId('exchange-done')).toBeVisible();
  }

  conflicts() {
    return this.page.getByTestId('conflict');
  }
}
