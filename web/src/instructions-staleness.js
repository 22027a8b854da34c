// When the Instructions tab shows a listing of a text that is no longer the editor's: the plain rules, apart from the
// page so that they read (and test) on their own. A stale listing says so and highlights nothing: its line numbers are
// of another text, and after an edit above them they point at the wrong lines.

/**
 * Why the listing shown is not of the editor's text, or null when it is.
 * shownSource: the text the listing is of; shownAt: when it came (ms since the epoch); editorSource: the editor's
 * text now; failure: {source, line} of the newest compile answer that failed (or null); loaded: the listing is the
 * loaded program's (of the text that ran), not a compile's.
 * Returns {kind, at, line}: kind 'loaded' (the text that ran was edited since), 'error' (the editor's text does not
 * compile: line is the first error's, 0 when it has none), or 'changed' (edited, not compiled yet).
 */
export function staleness({ shownSource, shownAt, editorSource, failure, loaded }) {
  if (shownSource === editorSource) return null;
  if (loaded) return { kind: 'loaded', at: shownAt, line: 0 };
  if (failure && failure.source === editorSource) return { kind: 'error', at: shownAt, line: failure.line | 0 };
  return { kind: 'changed', at: shownAt, line: 0 };
}

/** A duration in milliseconds as the tab says it: "4 s", "2 min 5 s", "1 h 3 min". */
export function ago(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
