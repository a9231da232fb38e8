import type { Locator, Page } from '@playwright/test'

/**
 * Layout as behaviour: what of `targets` is cut. A text is cut when its box scrolls (an ellipsis,
 * `scrollWidth` > `clientWidth`) or reaches outside its container's box (`container`: the closest
 * ancestor matching it, e.g. the card or the tile). Returns one line per cut text, [] when none is.
 */
export async function cutTexts(targets: Locator, container: string): Promise<string[]> {
  return targets.evaluateAll(
    (els, sel) =>
      els.flatMap((el) => {
        const box = el.getBoundingClientRect()
        const outer = el.parentElement?.closest(sel)?.getBoundingClientRect()
        const text = (el.textContent ?? '').trim()
        const scrolls = el.scrollWidth > el.clientWidth + 1
        const outside =
          !!outer &&
          (box.left < outer.left - 1 ||
            box.right > outer.right + 1 ||
            box.top < outer.top - 1 ||
            box.bottom > outer.bottom + 1)
        return scrolls || outside
          ? [`"${text}" ${scrolls ? `scrolls (${el.scrollWidth} > ${el.clientWidth})` : 'reaches outside its box'}`]
          : []
      }),
    container,
  )
}

/** In each of `tiles`, the text boxes (elements with text of their own) that overlap another, or leave the tile. */
export async function overlappingTexts(tiles: Locator): Promise<string[]> {
  return tiles.evaluateAll((els) =>
    els.flatMap((tile) => {
      const outer = tile.getBoundingClientRect()
      const texts = [...tile.querySelectorAll('*')].filter((e) =>
        [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()),
      )
      const out: string[] = []
      const rect = (e: Element) => e.getBoundingClientRect()
      for (const [i, a] of texts.entries()) {
        const ra = rect(a)
        if (ra.width === 0 || ra.height === 0) continue
        if (ra.bottom > outer.bottom + 1 || ra.right > outer.right + 1 || ra.top < outer.top - 1)
          out.push(`${tile.getAttribute('data-ext')}: "${a.textContent?.trim()}" leaves its tile`)
        for (const b of texts.slice(i + 1)) {
          if (a.contains(b) || b.contains(a)) continue
          const rb = rect(b)
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left)
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top)
          if (w > 1 && h > 1)
            out.push(`${tile.getAttribute('data-ext')}: "${a.textContent?.trim()}" overlaps "${b.textContent?.trim()}"`)
        }
      }
      return out
    }),
  )
}

/** Where an element is on the page (scroll included), to see whether it moved. */
export const pageBox = (l: Locator) =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return { x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width) }
  })

export const WIDTHS = [360, 390, 480, 1280, 1920] as const

export async function atWidth(page: Page, width: number, height = 900) {
  await page.setViewportSize({ width, height })
  // Laid out at the new width before anything is measured.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
}
