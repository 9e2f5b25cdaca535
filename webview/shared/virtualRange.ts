// Which rows of a fixed-row-height list are on screen: the virtualized table renders only those (plus a margin),
// so 10,000 rows cost what 40 do.

export interface RowRange {
  /** First and one-past-last row index to render. */
  start: number;
  end: number;
}

export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings row `index` fully into view (unchanged when it already is). */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

/**
 * Which columns of a grid with fixed column widths intersect the horizontal window [left - overscan, left + width +
 * overscan): the virtualized table builds cells only for those, so a table with a hundred params costs what one
 * screen of columns does.
 */
export function visibleColumnRange(
  widths: readonly number[],
  scrollLeft: number,
  viewportWidth: number,
  overscan: number,
): RowRange {
  const from = Math.max(0, scrollLeft) - overscan;
  const to = Math.max(0, scrollLeft) + Math.max(0, viewportWidth) + overscan;
  let start = widths.length;
  let end = 0;
  let x = 0;
  widths.forEach((width, i) => {
    if (x + width > from && x < to) {
      start = Math.min(start, i);
      end = i + 1;
    }
    x += width;
  });
  return start < end ? { start, end } : { start: 0, end: 0 };
}
