import { useWindowVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react'
import { windows, type WindowRowsProps } from './window-rows.tsx'

// Windowing: with a thousand extensions, only the rows on or next to the screen are in the DOM,
// so a burst, a tick or a scroll costs what a screenful costs — in rendering, style, layout and
// memory. This module (and @tanstack/react-virtual with it) is loaded only where a list is windowed
// (window-rows.tsx): a panel of a hundred extensions or fewer never fetches it.

const measurable = typeof ResizeObserver !== 'undefined'
const remPx = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16

interface RowsOptions {
  count: number
  itemRem: number
  gapRem: number
  /** A row's height in rem: exact for fixed rows, an estimate for rows measured as they render. */
  rowRem: number
}

/** The list's width and page offset, items per row, and a window virtualizer over the rows. */
export function useWindowedRows<E extends HTMLElement>({ count, itemRem, gapRem, rowRem }: RowsOptions) {
  const ref = useRef<E | null>(null)
  const [box, setBox] = useState({ width: 0, top: 0, rem: 16 })
  useLayoutEffect(() => {
    const el = ref.current
    if (!el || !measurable) return
    const measure = () => {
      const r = el.getBoundingClientRect()
      const next = { width: r.width, top: r.top + window.scrollY, rem: remPx() }
      setBox((b) => (b.width === next.width && b.top === next.top && b.rem === next.rem ? b : next))
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    // Whatever is above (a notice, a panel) moves the list: its page offset is re-read.
    ro.observe(document.body)
    return () => ro.disconnect()
  }, [])
  // Until measured (a layout effect, before the first paint) no row renders.
  const perRow =
    box.width > 0 ? Math.max(1, Math.floor((box.width + gapRem * box.rem) / ((itemRem + gapRem) * box.rem))) : 1
  const v = useWindowVirtualizer({
    count: Math.ceil(count / perRow),
    estimateSize: () => rowRem * box.rem,
    overscan: 1,
    scrollMargin: box.top,
    enabled: windows(count) && box.width > 0,
    // A resize is rendered in React's own time, not forced inside the ResizeObserver callback.
    useFlushSync: false,
  })
  return { ref, perRow, v, windowed: windows(count) }
}

/** Whether a row is in the virtualizer's visible range (not the overscan). */
export const isOnScreen = (range: { startIndex: number; endIndex: number } | null, row: number) =>
  !range || (row >= range.startIndex && row <= range.endIndex)

/**
 * The rendered rows stay in normal flow; padding stands for the rows above and below them. A row
 * that grows by a card pushes the ones below it in the same layout — nothing to reposition.
 * (Where rows change height, the list sets `overflow-anchor: none`: the virtualizer keeps the
 * scroll position, the browser's scroll anchoring would do it a second time.)
 */
export function windowPadding(v: ReturnType<typeof useWindowVirtualizer>) {
  const rows = v.getVirtualItems()
  if (rows.length === 0) return undefined
  return {
    paddingTop: rows[0].start - v.options.scrollMargin,
    paddingBottom: v.getTotalSize() - (rows[rows.length - 1].end - v.options.scrollMargin),
  }
}

/** WindowRows above WINDOW_ABOVE items: fixed-width items in rows; only rows near the screen render. */
export default function WindowedRows<T>({
  items,
  itemRem,
  gapRem,
  estimateRowRem,
  renderItem,
  itemKey,
  handle,
}: WindowRowsProps<T>) {
  const { ref, perRow, v } = useWindowedRows<HTMLDivElement>({
    count: items.length,
    itemRem,
    gapRem,
    rowRem: estimateRowRem,
  })
  useImperativeHandle(
    handle,
    () => ({ scrollToItem: (i) => v.scrollToIndex(Math.floor(i / perRow), { align: 'center' }) }),
    [v, perRow],
  )
  const container = useCallback(
    (el: HTMLDivElement | null) => {
      ref.current = el
      v.containerRef(el)
    },
    [v, ref],
  )
  const rowStyle = { gap: `${gapRem}rem`, paddingBottom: `${gapRem}rem` }
  // Each item a perRow-th of the row, so a short last row keeps the others' width.
  const width = `calc((100% - ${(perRow - 1) * gapRem}rem) / ${perRow})`
  return (
    <div ref={container} style={{ ...windowPadding(v), overflowAnchor: 'none' }}>
      {v.getVirtualItems().map((r) => (
        <div
          key={r.key}
          data-index={r.index}
          ref={v.measureElement}
          className="flex w-full items-start"
          style={rowStyle}
        >
          {items.slice(r.index * perRow, (r.index + 1) * perRow).map((item) => (
            <div key={itemKey(item)} className="min-w-0 shrink-0" style={{ width }}>
              {renderItem(item, isOnScreen(v.range, r.index))}
            </div>
          ))}
        </div>
      ))}
    </div>
  )
}
