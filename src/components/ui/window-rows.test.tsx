import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { WindowRows } from './window-rows.tsx'

// jsdom lays nothing out and has no ResizeObserver. Before any module reads it: a ResizeObserver that
// reports every element a viewport wide and a row high, and the same figures from the layout reads.
const { WIDTH, ROW } = vi.hoisted(() => {
  const WIDTH = 1000
  const ROW = 200
  const size = (target: Element) => ({
    target,
    contentRect: { width: WIDTH, height: ROW },
    borderBoxSize: [{ inlineSize: WIDTH, blockSize: ROW }],
    contentBoxSize: [{ inlineSize: WIDTH, blockSize: ROW }],
  })
  globalThis.ResizeObserver = class {
    constructor(private readonly report: ResizeObserverCallback) {}
    observe(el: Element) {
      queueMicrotask(() => this.report([size(el) as unknown as ResizeObserverEntry], this))
    }
    unobserve() {}
    disconnect() {}
  }
  return { WIDTH, ROW }
})

/** Items 18rem wide with 0.75rem gaps: at 16px a rem, 3 to a 1000px row. */
const PER_ROW = 3

function scrollTo(y: number) {
  act(() => {
    Object.defineProperty(window, 'scrollY', { value: y, configurable: true })
    window.dispatchEvent(new Event('scroll'))
  })
}

const items = (n: number) => Array.from({ length: n }, (_, i) => i)
const rendered = () => screen.queryAllByText(/^item \d+$/).map((el) => Number(el.textContent!.slice(5)))

function List({ count }: { count: number }) {
  return (
    <WindowRows
      items={items(count)}
      itemRem={18}
      gapRem={0.75}
      estimateRowRem={ROW / 16}
      itemKey={String}
      renderItem={(n) => <span>item {n}</span>}
    />
  )
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 0, WIDTH, ROW))
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(ROW)
  Object.defineProperty(window, 'innerHeight', { value: 800, configurable: true })
  // The virtualizer's own scroll corrections; the test moves the page with scrollTo() below.
  vi.spyOn(window, 'scrollTo').mockImplementation(() => {})
  scrollTo(0)
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('windowing a long list', () => {
  it('renders only a window of rows from a thousand items: the first screenful and a row ahead', async () => {
    render(<List count={1000} />)
    await waitFor(() => expect(rendered()).toContain(0))
    const shown = rendered()
    // 800px of 200px rows is four rows on screen; with the row rendered ahead, no more than six rows.
    expect(shown.length).toBeGreaterThanOrEqual(4 * PER_ROW)
    expect(shown.length).toBeLessThanOrEqual(6 * PER_ROW)
    expect(shown).toEqual(items(shown.length))
  })

  it('scrolling renders the rows now on screen, and drops the ones scrolled away', async () => {
    render(<List count={1000} />)
    await waitFor(() => expect(rendered()).toContain(0))
    // Row 100 (items 300 to 302) at the top of the screen.
    scrollTo(100 * ROW)
    await waitFor(() => expect(rendered()).toEqual(expect.arrayContaining([300, 301, 302, 311])))
    expect(rendered()).not.toContain(0)
    expect(Math.min(...rendered())).toBeGreaterThanOrEqual(290)
    expect(Math.max(...rendered())).toBeLessThan(330)
    scrollTo(333 * ROW)
    await waitFor(() => expect(rendered()).toContain(999))
    expect(rendered()).not.toContain(300)
  })

  it('renders every item of a list of a hundred (find-in-page and screen readers reach them all)', async () => {
    render(<List count={100} />)
    await waitFor(() => expect(rendered()).toHaveLength(100))
    expect(rendered()).toEqual(items(100))
  })
})
