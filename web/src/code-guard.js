// Replacing the editor's text never loses what the learner wrote. Text nobody wrote (the starter, a template's
// rendering, lesson code as loaded) is replaced at once; edited text is replaced too, but kept, and a notice above
// the editor says so and offers Undo, which brings back the text with the template and parameters it had. The same
// notice tells what a Run did not use (parameters typed and not applied). The lesson pane asks in the pane before it
// replaces anything, so its replacements do not come through here.
import { el } from './format.js';

const FADE_MS = 6000;

export class CodeGuard {
  /**
   * notice: {box, text, actions, close} elements. editor: snapshot() → {source, pristine, template} (the text, the
   * unedited text it was made from, templates.state()), restore(snapshot), isUnedited(), getSource(),
   * setSource(source, {pristine}).
   */
  constructor({ notice, editor }) {
    this.notice = notice;
    this.editor = editor;
    this.kept = null; // the learner's text a replacement took away, until brought back or dismissed
    notice.close.addEventListener('click', () => this.dismiss());
  }

  /**
   * Puts `source` in the editor. When the editor holds edited text, that text is kept and the notice offers to bring
   * it back; `what` names what replaced it ("The template “hello”"). before: parts of the snapshot as they were
   * before the caller changed them (the template state a pick or apply already moved on from).
   */
  replace(source, { what, pristine = true, before = {} } = {}) {
    const edited = !this.editor.isUnedited() && this.editor.getSource() !== source;
    if (edited) {
      this.kept = { ...this.editor.snapshot(), ...before };
      this.show(`${what} replaced your edited code.`);
    }
    this.editor.setSource(source, { pristine });
  }

  /** Keeps text the editor never showed (a draft a share link's program took the place of) to be brought back. */
  keep(snapshot, message) {
    this.kept = snapshot;
    this.show(message, [], 'Bring my code back');
  }

  /** Brings the kept text back; text edited since the replacement is kept in its turn (Undo then swaps back). */
  undo() {
    const kept = this.kept;
    if (!kept) return;
    this.kept = null;
    if (!this.editor.isUnedited() && this.editor.getSource() !== kept.source) {
      this.kept = this.editor.snapshot();
      this.show('Your code is back. The text it replaced is kept too.', [], 'Swap back');
    } else {
      this.show('Your code is back.');
    }
    this.editor.restore(kept);
  }

  /**
   * Shows `text` above the editor with buttons ({id, label, run}), and Undo (labelled undoLabel) while text is kept.
   * A notice with buttons stays until used, dismissed or replaced; one without goes by itself after a while.
   */
  show(text, actions = [], undoLabel = 'Undo') {
    const { box, text: textEl, actions: actionsEl } = this.notice;
    const buttons = this.kept ? [...actions, { id: 'editor-undo', label: undoLabel, run: () => this.undo() }] : actions;
    textEl.textContent = text;
    actionsEl.replaceChildren(...buttons.map(a => el('button', {
      type: 'button',
      id: a.id,
      onclick: () => {
        this.hide();
        a.run();
      },
    }, a.label)));
    box.hidden = false;
    clearTimeout(this.fade);
    if (buttons.length === 0) this.fade = setTimeout(() => this.hide(), FADE_MS);
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
