import { expect, test, type Page } from './fixtures.ts'
import { logBrowserPolls } from './browser-polls.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

const columns = (page: Page) => page.getByRole('region', { name: /^Extension / })

async function watchInSettings(page: Page, value: string) {
  await page.getByRole('button', { name: 'Settings' }).click()
  const field = page.getByRole('textbox', { name: 'Extensions to watch' })
  await field.fill(value)
  await page.getByRole('button', { name: 'Watch' }).click()
}

test('the settings form refuses junk with a message, and a good choice survives a reload', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')

  await watchInSettings(page, '410, <b>x</b>; 9999999999999')
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings.getByRole('alert')).toContainText('Not an extension')
  await expect(settings.getByRole('alert')).toContainText('"<b>x</b>"')
  await expect(page.getByRole('textbox', { name: 'Extensions to watch' })).toHaveAttribute('aria-invalid', 'true')
  await expect(columns(page)).toHaveCount(3)

  await page.getByRole('textbox', { name: 'Extensions to watch' }).fill('420 410 410')
  await page.getByRole('button', { name: 'Watch' }).click()
  await expect(settings.getByRole('alert')).toHaveCount(0)
  await expect(columns(page)).toHaveCount(2)
  await expect(page.getByRole('region', { name: 'Extension 420' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Extension 410' })).toBeVisible()
  await expect(page).toHaveURL(/[?&]exten=420,410(&|$)/)

  // The stored choice, not just the URL: come back without ?exten=.
  await page.goto('/')
  await expect(columns(page)).toHaveCount(2)
  await expect(page.getByRole('region', { name: 'Extension 420' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Extension 400' })).toHaveCount(0)
  await page.reload()
  await expect(columns(page)).toHaveCount(2)
  await expect(page.getByRole('status')).toHaveText('Live')
})

test('?exten= in the URL wins over the stored setting', async ({ page }) => {
  const polls = logBrowserPolls(page)
  await page.goto('/')
  await watchInSettings(page, '420')
  await expect(columns(page)).toHaveCount(1)

  await page.goto('/?exten=400,SIP/410')
  await expect(columns(page)).toHaveCount(2)
  await expect(page.getByRole('region', { name: 'Extension 400' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Extension 420' })).toHaveCount(0)
  await expect(page.getByRole('status')).toHaveText('Live')
  // The panel asks for the link's extensions, sent bare, as the PBX keys its events.
  await expect.poll(() => polls.lastExten()).toEqual(['400', '410'])
  await expect.poll(() => polls.held().map((p) => [...p.exten].sort())).toEqual([['400', '410']])
})

test('an invalid ?exten= is explained and the stored setting is used instead', async ({ page }) => {
  await page.goto('/')
  await watchInSettings(page, '420')
  await expect(columns(page)).toHaveCount(1)

  await page.goto('/?exten=400,drop%20table')
  await expect(page.getByRole('alert')).toContainText("The link's extension list was ignored")
  await expect(page.getByRole('alert')).toContainText('"drop"')
  await expect(columns(page)).toHaveCount(1)
  await expect(page.getByRole('region', { name: 'Extension 420' })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Live')

  // An empty list in a link is a broken link too, not a wish to watch nothing.
  await page.goto('/?exten=')
  await expect(page.getByRole('alert')).toContainText("The link's extension list was empty and is ignored.")
  await expect(page.getByRole('region', { name: 'Extension 420' })).toBeVisible()
})
