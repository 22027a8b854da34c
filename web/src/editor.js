// The CodeMirror 6 editor: C highlighting, Mod-Enter to run, and the server's diagnostics as lint marks.
import { EditorState, Prec } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLineGutter, highlightSpecialChars, drawSelection,
  highlightActiveLine, dropCursor, rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, indentOnInput, bracketMatching, indentUnit } from '@codemirror/language';
import { cpp } from '@codemirror/lang-cpp';
import { lintGutter, setDiagnostics, lintKeymap, forEachDiagnostic } from '@codemirror/lint';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { classHighlighter } from '@lezer/highlight';
import { diagnosticHint } from './protocol.js';
import { el } from './format.js';

const chrome = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--bg)', color: 'var(--text)', fontSize: '13.5px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--sel) !important' },
  '.cm-gutters': { backgroundColor: 'var(--surface)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--accent-soft)', outline: '1px solid var(--accent)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-lint': { maxWidth: '520px' },
  '.cm-diagnostic': { fontFamily: 'var(--mono)', fontSize: '12px', whiteSpace: 'pre-wrap' },
  '.cm-diagnosticSource': { color: 'var(--muted)' },
  '.bpflab-hint': {
    fontFamily: 'system-ui, sans-serif', fontSize: '12.5px', marginTop: '4px', paddingTop: '4px',
    borderTop: '1px dashed var(--border)', whiteSpace: 'normal',
  },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--text)' },
  '.cm-lintRange-error': { backgroundColor: 'var(--err-soft)' },
});

const SEVERITY = { error: 'error', 'fatal error': 'error', warning: 'warning', note: 'info', info: 'info', hint: 'hint' };

/**
 * Turns a contract diagnostic {line, column, severity, message, hint} into a CodeMirror range on the current
 * document. The hover shows the message and, under it, the hint in the language hintLang() names when it is shown.
 */
export function toEditorDiagnostic(doc, item, stage, hintLang = () => 'en') {
  const lineNo = Math.min(Math.max(1, item.line | 0), doc.lines);
  const line = doc.line(lineNo);
  const text = line.text;
  let start = Math.min(Math.max(0, (item.column | 0) - 1), text.length);
  let end = start;
  if (stage === 'verify') {
    // The verifier blames a whole statement: underline the line's code from the column on.
    if (start >= text.length || !/\S/.test(text.slice(start))) start = text.search(/\S|$/);
    end = text.replace(/\s+$/, '').length;
  } else {
    while (end < text.length && /[\w$]/.test(text[end])) end++;
    if (end === start) end = Math.min(text.length, start + 1);
  }
  if (end < start) end = start;
  const message = item.message || '(no message)';
  const diagnostic = {
    from: line.from + start,
    to: line.from + end,
    severity: SEVERITY[item.severity] || 'error',
    source: { verify: 'verifier', kernel: 'kernel' }[stage] ?? 'clang',
    message,
  };
  if (diagnosticHint(item, 'en')) {
    diagnostic.renderMessage = () => {
      const lang = hintLang();
      return el('div', {}, el('div', { text: message }),
        el('div', { class: 'bpflab-hint', lang, text: diagnosticHint(item, lang) }));
    };
  }
  return diagnostic;
}

/** hintLang: () => "es" or "en", the language hints are shown in (asked each time a hover opens). */
export function createEditor(parent, { initialSource, onRun, onChange, onCursor, hintLang }) {
  const runKeys = Prec.highest(keymap.of([
    { key: 'Mod-Enter', run: () => { onRun(); return true; }, preventDefault: true },
  ]));
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initialSource,
      extensions: [
        runKeys,
        lineNumbers(),
        lintGutter(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        EditorState.allowMultipleSelections.of(true),
        indentOnInput(),
        indentUnit.of('    '),
        syntaxHighlighting(classHighlighter),
        bracketMatching(),
        closeBrackets(),
        rectangularSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...lintKeymap, indentWithTab,
        ]),
        cpp(),
        EditorView.lineWrapping,
        chrome,
        EditorView.contentAttributes.of({ 'aria-label': 'eBPF C source code' }),
        EditorView.updateListener.of(update => {
          if (update.docChanged && onChange) onChange(update);
          if ((update.selectionSet || update.docChanged) && onCursor) {
            const head = update.state.selection.main.head;
            const line = update.state.doc.lineAt(head);
            onCursor(line.number, head - line.from + 1);
          }
        }),
      ],
    }),
  });

  return {
    view,
    getSource: () => view.state.doc.toString(),
    /** Replaces the whole text as one undoable change, so Ctrl+Z brings the learner's code back. */
    setSource(source) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: source },
        selection: { anchor: 0 },
        scrollIntoView: true,
      });
      view.dispatch(setDiagnostics(view.state, []));
    },
    showDiagnostics(items, stage) {
      const doc = view.state.doc;
      const placed = (items || []).filter(i => (i.line | 0) >= 1).map(i => toEditorDiagnostic(doc, i, stage, hintLang));
      view.dispatch(setDiagnostics(view.state, placed));
      return placed.length;
    },
    /**
     * The diagnostics of a compile-only answer (errors as you type): they replace the compiler's markers; the
     * verifier's markers of the last Run stay where edits moved them, unless the text no longer compiles.
     */
    showCompileDiagnostics(items) {
      const doc = view.state.doc;
      const list = items || [];
      const placed = list.filter(i => (i.line | 0) >= 1).map(i => toEditorDiagnostic(doc, i, 'compile', hintLang));
      if (!list.some(i => i.severity === 'error' || i.severity === 'fatal')) {
        forEachDiagnostic(view.state, (d, from, to) => {
          if (d.source === 'verifier') placed.push({ ...d, from, to });
        });
      }
      view.dispatch(setDiagnostics(view.state, placed));
      return placed.length;
    },
    clearDiagnostics() {
      view.dispatch(setDiagnostics(view.state, []));
    },
    diagnostics() {
      const found = [];
      forEachDiagnostic(view.state, (d, from) => found.push({
        line: view.state.doc.lineAt(from).number, severity: d.severity, message: d.message,
      }));
      return found;
    },
    gotoLine(lineNumber, column = 1) {
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(1, lineNumber | 0), doc.lines));
      const pos = line.from + Math.min(Math.max(0, (column | 0) - 1), line.length);
      view.dispatch({
        selection: { anchor: pos },
        effects: EditorView.scrollIntoView(pos, { y: 'center' }),
      });
      view.focus();
    },
    focus: () => view.focus(),
  };
}
