/** Columns, rows and tile size that fit `n` tiles into `width` × `height` px, as large as they can be. */
export function fitTiles(n: number, width: number, height: number, gap: number, aspect = 2.2) {
  let best = { cols: 1, rows: Math.max(1, n), tileW: width, tileH: height / Math.max(1, n), score: 0 }
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols)
    const tileW = (width - gap * (cols - 1)) / cols
    const tileH = (height - gap * (rows - 1)) / rows
    // A tile a little wider than high reads best: as big as the narrower side allows.
    const score = Math.min(tileW / aspect, tileH)
    if (score > best.score) best = { cols, rows, tileW, tileH, score }
  }
  return best
}
