import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

// The contract does not say how a PBX refuses a key; the sim knows three ways and each must read as the
// server's one sentence (issue 23: the server never forwards the PBX's own words or pages to the panel).
const says = 'The PBX refused the API key'
const styles = [
  { style: 'code', pbxWords: 'invalid apiKey' },
  { style: 'http401', pbxWords: 'HTTP 401' },
  { style: 'html403', pbxWords: 'HTTP 403' },
] as const

for (const { style, pbxWords } of styles) {
  test(`a key refused with ${style} is explained in the status, and Retry now recovers`, async ({ page, request }) => {
    const sim = simControl(request)
    await sim.auth(true, style)
    // The server's one PBX poll may already be held with the good key: cut it (as a PBX restart would),
    // so its next try meets the refused key; the call then rings where the server cannot see it.
    await sim.restart()
    await sim.ring('410', { callerId: '0287654321' })
    await page.goto('/?exten=410')

    const status = page.getByRole('status')
    await expect(status).toContainText(says)
    await expect(status).toContainText(/next try in \d+ s/)
    await expect(status).not.toContainText(pbxWords)
    await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toHaveCount(0)

    // The operator fixes the key; the panel does not hammer the PBX meanwhile but retries on request.
    await sim.auth(false)
    await page.getByRole('button', { name: 'Retry now' }).click()
    await expect(status).toHaveText('Live')
    await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('0287654321')
  })
}
