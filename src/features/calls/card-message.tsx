/**
 * A card's one line for what went wrong with its controls: there (empty) whenever the controls
 * are, so an error never makes the card, or the cards below it, move.
 */
export function CardMessage({ text }: { text?: string }) {
  return (
    <p className="mt-1 h-5 truncate text-sm text-red-700 dark:text-red-300" title={text}>
      {text && <span role="alert">{text}</span>}
    </p>
  )
}
