"use client";

import { useEffect, useState } from "react";

/** Keyset pagination in the browser: a stack of cursors, so "Previous" returns to the page before. */
export function useCursorPages(resetOn: unknown[]) {
  const [stack, setStack] = useState<string[]>([]);
  const key = JSON.stringify(resetOn);
  // biome-ignore lint/correctness/useExhaustiveDependencies: back to the first page whenever the filters (keyed by their JSON) change
  useEffect(() => setStack([]), [key]);
  return {
    cursor: stack.at(-1),
    page: stack.length + 1,
    next: (cursor: string) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => s.slice(0, -1)),
    first: () => setStack([]),
  };
}

export function Pager({
  pages,
  nextCursor,
  total,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null;
  total?: number;
}) {
  return (
    <div className="pager">
      <button type="button" className="button subtle" onClick={pages.first} disabled={pages.page === 1}>
        First
      </button>
      <button type="button" className="button subtle" onClick={pages.previous} disabled={pages.page === 1}>
        Previous
      </button>
      <span className="muted">
        Page {pages.page}
        {total === undefined ? "" : ` · ${total.toLocaleString("en-US")} matching`}
      </span>
      <button
        type="button"
        className="button subtle"
        onClick={() => nextCursor && pages.next(nextCursor)}
        disabled={!nextCursor}
      >
        Next
      </button>
    </div>
  );
}
