// The start page as a coordinator uses it.
import { expect, type Page } from '@playwright/test';

export interface NewProgramme {
  author?: string;
  name: string;
  start: string;
  end: string;
  partners: string[];
}

export class ProgrammesPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(this.page.getByTestId('programme-count')).toBeVisible();
  }

  async create(programme: NewProgramme) {
    const author = this.page.getByTestId('author-name');
    if (programme.author && (await author.count()) > 0) {
      await author.fill(programme.author);
    }
    await this.page.getByTestId('programme-name').fill(programme.name);
    await this.page.getByTestId('programme-start').fill(programme.start);
    await this.page.getByTestId('programme-end').fill(programme.end);
    for (const [index, partner] of programme.partners.entries()) {
      const field = this.page.getByTestId(`partner-${index}`);
      if ((await field.count()) === 0) {
        await this.page.getByTestId('add-partner').click();
      }
      await field.fill(partner);
    }
    await this.page.getByTestId('create-programme').click();
  }

  cards() {
    return this.page.getByTestId('programme-card');
  }

  card(name: string) {
    return this.cards().filter({ hasText: name });
  }

  error() {
    return this.page.getByTestId('form-error');
  }

  success() {
    return this.page.getByTestId('form-success');
  }
}
