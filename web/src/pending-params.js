// Parameters typed in a template's form and not applied. Run applies them first when the editor still holds that
// template's rendering untouched; with edited code it runs that code as it is and says, above the editor, which
// values it did not use, offering to apply them (the edited code then comes back with Undo). A note beside
// "Apply parameters" says the same before anyone presses Run.
import { changedValues } from './templates.js';

export class PendingParams {
  /**
   * templates: the TemplatePicker; guard: the CodeGuard; isUnedited(): whether the editor holds unedited text; note:
   * an element; words(): the page's words (page-strings.js) in its language now.
   */
  constructor({ templates, guard, isUnedited, note, words }) {
    Object.assign(this, { templates, guard, isUnedited, note, words });
  }

  /**
   * Called by Run before it starts; rerun() starts a Run again. Resolves false when the Run must not start: the
   * parameters were to be applied and could not be (the form says why).
   */
  async beforeRun(rerun) {
    const { templates } = this;
    if (!templates.pending()) return true;
    if (this.isUnedited()) return templates.apply();
    const changed = changedValues(templates.values(), templates.appliedValues());
    this.guard.show(words => words.paramsNotApplied(changed), [{
      id: 'params-apply-run',
      label: words => words.applyAndRun,
      run: async () => {
        if (await templates.apply()) rerun();
      },
    }]);
    return true;
  }

  /** Updates the note beside "Apply parameters" (when the form, the editor's text or the language changed). */
  update() {
    const pending = this.templates.pending();
    this.note.hidden = !pending;
    if (!pending) return;
    this.note.textContent = this.isUnedited() ? this.words().pendingRunApplies : this.words().pendingEdited;
  }
}
