import { Fragment, lazy, Suspense, useImperativeHandle, useRef, type ReactNode, type Ref } from 'react'

// Windowing: with a thousand extensions, only the rows on or next to the screen are in the DOM
// (windowed-rows.tsx). Up to WINDOW_ABOVE items every one is in the page (find-in-page and screen
// readers reach them all), rendered here. The windowed renderer and @tanstack/react-virtual are
// loaded only when a list is longer: most panels show a few extensions, and the first load stays
// small. Where there is no layout to measure (no ResizeObserver: unit tests), every item renders.

const measurable = typeof ResizeObserver !== 'undefined'

/** Lists up to this long are rendered whole; longer ones are windowed and get a filter box. */
export const WINDOW_ABOVE = 100

/** Whether a list of `count` is windowed here. */
export const windows = (count: number) => measurable && count > WINDOW_ABOVE

export interface WindowRowsProps<T> {
  items: readonly T[]
  itemRem: number
  gapRem: number
  /** A row's likely height in rem before it is measured. */
  estimateRowRem: number
  /** `onScreen`: in a row on screen now, not one rendered ahead of a scroll. */
  renderItem: (item: T, onScreen: boolean) => ReactNode
  itemKey: (item: T) => string
  handle?: Ref<WindowRowsHandle>
}

export interface WindowRowsHandle {
  /** Scrolls the item's row into view (it renders once near the screen). */
  scrollToItem: (index: number) => void
}

// Until it has loaded, the windowed list is what it is before its first measure: an empty block.
const WindowedRows = lazy(() => import('./windowed-rows.tsx')) as unknown as <T>(props: WindowRowsProps<T>) => ReactNode

/** Fixed-width items in rows that grow with their content; above WINDOW_ABOVE only rows near the screen render. */
export function WindowRows<T>(props: WindowRowsProps<T>) {
  if (windows(props.items.length))
    return (
      <Suspense fallback={<div />}>
        <WindowedRows {...props} />
      </Suspense>
    )
  return <AllRows {...props} />
}

function AllRows<T>({ items, itemRem, gapRem, renderItem, itemKey, handle }: WindowRowsProps<T>) {
  const ref = useRef<HTMLDivElement>(null)
  useImperativeHandle(
    handle,
    () => ({ scrollToItem: (i) => ref.current?.children[i]?.scrollIntoView({ block: 'center' }) }),
    [],
  )
  return (
    <div
      ref={ref}
      className="grid items-start"
      style={{
        gap: `${gapRem}rem`,
        gridTemplateColumns: `repeat(auto-fit, minmax(min(${itemRem}rem, 100%), 1fr))`,
      }}
    >
      {items.map((item) => (
        <Fragment key={itemKey(item)}>{renderItem(item, true)}</Fragment>
      ))}
    </div>
  )
}
