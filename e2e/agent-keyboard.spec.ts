import { expect, test, type Page } from './fixtures.ts'
import { seedSettings, simControl } from './sim.ts'

// Long user flows on a shared, busy machine.
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

/** Tab forward until `target` has focus; fails if it is not in the tab order. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((el) => el === document.activeElement)) return
  }
  throw new Error('never reached by Tab')
}

test('keyboard only: "a" answers the oldest call ringing on my extension, Tab + Enter hangs up, "?" lists the shortcuts', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400', '410'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')

  // Mine first, marked.
  const columns = page.getByRole('region', { name: /^Extension / })
  await expect(columns.first()).toHaveAccessibleName('Extension 410')
  await expect(columns.first()).toContainText('mine')

  const ext410 = page.getByRole('region', { name: 'Extension 410' })
  await sim.ring('400', { callerId: '0700000000' })
  const older = await sim.ring('410', { callerId: '0211111111' })
  await expect(ext410.getByRole('article')).toHaveCount(1)
  await sim.ring('410', { callerId: '0222222222' })
  await expect(ext410.getByRole('article')).toHaveCount(2)
  const oldCard = ext410.getByRole('article').filter({ hasText: '0211111111' })
  const newCard = ext410.getByRole('article').filter({ hasText: '0222222222' })

  // A letter typed in the dial box is text, not a command.
  await page.keyboard.press('d')
  const dialBox = page.getByRole('textbox', { name: 'Number to dial' })
  await expect(dialBox).toBeFocused()
  await page.keyboard.press('a')
  await expect(dialBox).toHaveValue('a')
  await expect(oldCard).toContainText('Ringing')
  await page.keyboard.press('Escape')
  await dialBox.blur()

  await page.keyboard.press('a')
  await expect(oldCard).toContainText('Connected')
  await expect(newCard).toContainText('Ringing')
  await expect(page.getByRole('region', { name: 'Extension 400' }).getByRole('article')).toContainText('Ringing')

  // Alt+A works even from a text field.
  await dialBox.focus()
  await page.keyboard.press('Alt+a')
  await expect(newCard).toContainText('Connected')
  await expect(dialBox).toHaveValue('a')

  // Nothing else ringing on my extension: a hint, not an answer to someone else's call.
  await dialBox.blur()
  await page.keyboard.press('a')
  await expect(page.getByText('No call is ringing on your extensions.')).toBeVisible()
  await expect(page.getByRole('region', { name: 'Extension 400' }).getByRole('article')).toContainText('Ringing')

  // Hang up reached with Tab, focus visible, pressed with Enter.
  const hangUp = oldCard.getByRole('button', { name: 'Hang up' })
  await page.getByRole('heading', { name: 'Switchboard' }).click()
  await tabTo(page, hangUp)
  await expect(hangUp).toBeFocused()
  await expect(hangUp).toHaveCSS('outline-style', 'solid')
  await page.keyboard.press('Enter')
  await expect(oldCard).toContainText('Hung up')
  const hangups = (await sim.requests()).filter((r) => r.method === 'hangup')
  expect(hangups.map((r) => r.params.extenOrUniqueId)).toEqual([older])

  // "?" opens the list; Escape closes it and focus comes back.
  await page.keyboard.press('?')
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('Answer the call that has rung longest on my extensions')
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused()
  // Shortcuts are off behind the modal.
  await page.keyboard.press('a')
  await expect(page.getByRole('region', { name: 'Extension 400' }).getByRole('article')).toContainText('Ringing')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await page.keyboard.press('?')
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
})

test('with no own extension set, the answer key says what to do', async ({ page, request }) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: [], extensions: ['410'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  await sim.ring('410', { callerId: '0211111111' })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card).toContainText('Ringing')
  await page.keyboard.press('a')
  await expect(page.getByText('Set your own extension in Settings to answer from the keyboard.')).toBeVisible()
  await expect(card).toContainText('Ringing')
})
