import { useWindowVirtualizer } from '@tanstack/react-virtual'
import { Fragment, useCallback, useImperativeHandle, useLayoutEffect, useRef, useState, type ReactNode, type Ref } from 'react'

export interface WindowRowsHandle {
  /** Scrolls the item's row into view (it renders once near the screen). */
  scrollToItem: (index: number) => void
}

interface Props<T> {
  items: readonly T[]
  /** Fixed item width and gap, in rem (the item must render at that width). */
  itemRem: number
  gapRem: number
  /** A row's likely height in px before it is measured. */
  estimateRowPx: number
  renderItem: (item: T) => ReactNode
  itemKey: (item: T) => string
  handle?: Ref<WindowRowsHandle>
}

const measurable = typeof ResizeObserver !== 'undefined'
const remPx = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16

/**
 * Fixed-width items wrapped into rows as wide as the container, and only the rows on screen
 * (plus one above and below) in the DOM: a thousand extensions cost what a screenful costs, in
 * rendering, style, layout and memory. Rows grow with their content (measured). Where there is no
 * layout to measure (no ResizeObserver), every item renders in one wrapping row.
 */
export function WindowRows<T>({ items, itemRem, gapRem, estimateRowPx, renderItem, itemKey, handle }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null)
  const [box, setBox] = useState({ width: 0, top: 0 })
  useLayoutEffect(() => {
    const el = ref.current
    if (!el || !measurable) return
    const measure = () => {
      const r = el.getBoundingClientRect()
      const next = { width: r.width, top: r.top + window.scrollY }
      setBox((b) => (b.width === next.width && b.top === next.top ? b : next))
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    // Whatever is above (a notice, a panel) moves the list: its page offset is re-read.
    ro.observe(document.body)
    return () => ro.disconnect()
  }, [])

  const rem = box.width > 0 ? remPx() : 16
  // Until measured (a layout effect, before the first paint) no row renders.
  const perRow = box.width > 0 ? Math.max(1, Math.floor((box.width + gapRem * rem) / ((itemRem + gapRem) * rem))) : 1
  const rowCount = Math.ceil(items.length / perRow)
  const v = useWindowVirtualizer({
    count: rowCount,
    estimateSize: () => estimateRowPx,
    overscan: 1,
    scrollMargin: box.top,
    enabled: measurable && box.width > 0,
    // A row growing by a card moves the rows below by direct style writes, not a React render;
    // `top`, not translate3d: no compositor layer per row (software rasterising pays per layer).
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
  })
  useImperativeHandle(handle, () => ({ scrollToItem: (i) => v.scrollToIndex(Math.floor(i / perRow), { align: 'center' }) }), [v, perRow])

  const container = useCallback(
    (el: HTMLDivElement | null) => {
      ref.current = el
      v.containerRef(el)
    },
    [v],
  )
  const row = (index: number) => items.slice(index * perRow, (index + 1) * perRow)
  const rowStyle = { gap: `${gapRem}rem`, paddingBottom: `${gapRem}rem` }
  const each = (list: readonly T[]) => list.map((item) => <Fragment key={itemKey(item)}>{renderItem(item)}</Fragment>)
  if (!measurable)
    return (
      <div ref={ref} className="flex flex-wrap items-start" style={rowStyle}>
        {each(items)}
      </div>
    )
  return (
    <div ref={container} className="relative">
      {v.getVirtualItems().map((r) => (
        <div key={r.key} data-index={r.index} ref={v.measureElement} className="absolute left-0 flex w-full items-start" style={rowStyle}>
          {each(row(r.index))}
        </div>
      ))}
    </div>
  )
}
