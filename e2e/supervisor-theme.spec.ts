import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('theme follows the system until chosen; the choice persists and Reset restores it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto('/?exten=400,410')
  await expect(page.getByRole('status')).toHaveText('Live')
  const html = page.locator('html')
  await expect(html).toHaveClass(/\bdark\b/)
  // slate-950: as the dev server sends it (oklch), or as the production build writes it (lab, with its fallback).
  await expect(page.locator('body')).toHaveCSS(
    'background-color',
    /^(oklch\(0\.129 0\.042 264\.695\)|lab\(1\.7\d* 1\.3\d* -9\.2\d*\))$/,
  )

  // The OS switching to light is followed at once while the setting is "System".
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(html).not.toHaveClass(/\bdark\b/)

  await page.getByRole('button', { name: 'Settings' }).click()
  const theme = page.getByRole('combobox', { name: 'Theme' })
  await expect(theme).toHaveValue('system')
  await theme.selectOption('dark')
  await expect(html).toHaveClass(/\bdark\b/)
  await page.getByRole('spinbutton', { name: /Escalate/ }).fill('45')

  await page.reload()
  await expect(html).toHaveClass(/\bdark\b/)
  await page.getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark')
  await expect(page.getByRole('spinbutton', { name: /Escalate/ })).toHaveValue('45')

  await page.getByRole('button', { name: 'Reset to defaults' }).click()
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('system')
  await expect(page.getByRole('spinbutton', { name: /Escalate/ })).toHaveValue('30')
  await expect(html).not.toHaveClass(/\bdark\b/)
})

test('an escalation threshold out of range is refused and the old one kept', async ({ page }) => {
  await page.goto('/?exten=400')
  await page.getByRole('button', { name: 'Settings' }).click()
  const field = page.getByRole('spinbutton', { name: /Escalate/ })
  await field.fill('2')
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByRole('alert')).toContainText('30 s is still in use')
  await field.fill('90')
  await expect(field).not.toHaveAttribute('aria-invalid')
  await page.reload()
  await page.getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('spinbutton', { name: /Escalate/ })).toHaveValue('90')
})
