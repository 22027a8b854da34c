// Replacing the editor's text never loses what the learner wrote. Text nobody wrote (the starter, a template's
// rendering, lesson code as loaded) is replaced at once; edited text is replaced too, but kept, and a notice above
// the editor says so and offers Undo, which brings back the text with the template and parameters it had. The same
// notice tells what a Run did not use (parameters typed and not applied). The lesson pane asks in the pane before it
// replaces anything, so its replacements do not come through here. Its words are functions of the page's words
// (page-strings.js), so that a notice showing when the learner switches language is said again in the new one.
import { el } from './format.js';

const FADE_MS = 6000;

export class CodeGuard {
  /**
   * notice: {box, text, actions, close} elements. editor: snapshot() → {source, pristine, template} (the text, the
   * unedited text it was made from, templates.state()), restore(snapshot), isUnedited(), getSource(),
   * setSource(source, {pristine}). words(): the page's words in its language now.
   */
  constructor({ notice, editor, words }) {
    this.notice = notice;
    this.editor = editor;
    this.words = words;
    this.shown = null; // {text, buttons} of the notice showing, to say it again in another language
    this.kept = null; // the learner's text a replacement took away, until brought back or dismissed
    notice.close.addEventListener('click', () => this.dismiss());
  }

  /**
   * Puts `source` in the editor. When the editor holds edited text, that text is kept and the notice offers to bring
   * it back; `what(words)` names what replaced it ("The template “hello”"). before: parts of the snapshot as they were
   * before the caller changed them (the template state a pick or apply already moved on from).
   */
  replace(source, { what, pristine = true, before = {} } = {}) {
    const edited = !this.editor.isUnedited() && this.editor.getSource() !== source;
    if (edited) {
      this.kept = { ...this.editor.snapshot(), ...before };
      this.show(words => words.replacedYours(what(words)));
    }
    this.editor.setSource(source, { pristine });
  }

  /** Keeps text the editor never showed (a draft a share link's program took the place of) to be brought back. */
  keep(snapshot, message) {
    this.kept = snapshot;
    this.show(message, [], words => words.bringBack);
  }

  /** Brings the kept text back; text edited since the replacement is kept in its turn (Undo then swaps back). */
  undo() {
    const kept = this.kept;
    if (!kept) return;
    this.kept = null;
    if (!this.editor.isUnedited() && this.editor.getSource() !== kept.source) {
      this.kept = this.editor.snapshot();
      this.show(words => words.codeBackKept, [], words => words.swapBack);
    } else {
      this.show(words => words.codeBack);
    }
    this.editor.restore(kept);
  }

  /**
   * Shows `text(words)` above the editor with buttons ({id, label(words), run}), and Undo (labelled undoLabel(words))
   * while text is kept. A notice with buttons stays until used, dismissed or replaced; one without goes by itself
   * after a while.
   */
  show(text, actions = [], undoLabel = words => words.undo) {
    const buttons = this.kept ? [...actions, { id: 'editor-undo', label: undoLabel, run: () => this.undo() }] : actions;
    this.shown = { text, buttons };
    this.render();
    this.notice.box.hidden = false;
    clearTimeout(this.fade);
    if (buttons.length === 0) this.fade = setTimeout(() => this.hide(), FADE_MS);
  }

  /** Says the notice showing again, in the page's language now. */
  relabel() {
    if (this.shown && !this.notice.box.hidden) this.render();
  }

  render() {
    const { text, buttons } = this.shown;
    const words = this.words();
    this.notice.text.textContent = text(words);
    this.notice.actions.replaceChildren(...buttons.map(a => el('button', {
      type: 'button',
      id: a.id,
      onclick: () => {
        this.hide();
        a.run();
      },
    }, a.label(words))));
  }

  hide() {
    clearTimeout(this.fade);
    this.notice.box.hidden = true;
  }

  /** Closes the notice; kept text is forgotten (the editor's own Ctrl+Z still reaches it). */
  dismiss() {
    this.kept = null;
    this.hide();
  }
}
