import { groupNumber } from '../../lib/phone-display.ts'

/**
 * A caller as the PBX sent it, shown in groups ("02 9876 5432") by spacing, not by characters: the
 * text (copied, searched, read out) stays the number itself.
 */
export function PhoneText({ raw }: { raw: string }) {
  // Only a bare number is regrouped: anything else (a name, a number with its own spacing) shows as sent.
  const groups = /^\+?\d+$/.test(raw) ? groupNumber(raw).split(' ') : []
  if (groups.length < 2 || groups.join('') !== raw) return <>{raw}</>
  return (
    <>
      {groups.map((g, i) => (
        <span key={i} className={i ? 'ml-[0.3em]' : undefined}>
          {g}
        </span>
      ))}
    </>
  )
}
