import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setupTestPbx } from '../../testing/msw-server.ts'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import { useAgent } from './agent-store.ts'
import { useAgentMessage } from './agent-message.ts'
import { DialBox } from './dial-box.tsx'

const { sim, faults } = setupTestPbx()
afterEach(cleanup)
beforeEach(() => {
  useSettings.setState(defaultSettings)
  useAgent.setState({ dialInput: '' })
})

const dials = () => sim.requests.filter((r) => r.method === 'dial').map((r) => r.params.extenOrUniqueId)

/** The dial's words reach the agent through the app's message line; this stands in for it. */
function Message() {
  const message = useAgentMessage()
  return message && <p role={message.alert ? 'alert' : 'status'}>{message.text}</p>
}

async function dial(number: string) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } })
  render(
    <QueryClientProvider client={client}>
      <DialBox />
      <Message />
    </QueryClientProvider>,
  )
  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Number to dial'), number)
  await user.click(screen.getByRole('button', { name: 'Dial' }))
}

describe('dialling from my extension', () => {
  it.each([
    ['410', 'SIP/410'],
    ['SIP/410', 'SIP/410'],
    ['PJSIP/410', 'PJSIP/410'],
    ['IAX2/420', 'IAX2/420'],
  ])('my extension %s dials from %s', async (mine, from) => {
    useSettings.setState({ myExtensions: [mine] })
    await dial('02 9111 0000')
    expect(await screen.findByText(/^Calling 0291110000 from /)).toHaveTextContent(`from ${mine}`)
    expect(dials()).toEqual([from])
  })

  it('says what to do, and sends nothing, with no extension of my own', async () => {
    await dial('0291110000')
    expect(await screen.findByRole('alert')).toHaveTextContent('Set your own extension')
    expect(dials()).toEqual([])
  })

  it.each([
    [403, 'forbidden', 'Numbers starting 1900 may not be dialled from Switchboard'],
    [429, 'rate-limited', 'Dial limit reached (10 a minute); try again in a minute'],
  ] as const)('a dial the server refuses (%i) shows its message, not a PBX failure', async (status, error, message) => {
    useSettings.setState({ myExtensions: ['410'] })
    faults.refuseNext('dial', status, error, message)
    await dial('1900123456')
    expect(await screen.findByRole('alert')).toHaveTextContent(new RegExp(`^${message.replace(/[()]/g, '\\$&')}$`))
  })
})
