// The banner under the toolbar: what went wrong (a run's error, a lost connection), until dismissed or the next Run.
export class Banner {
  /** box: the banner; text: where its words go; close: the button that dismisses it; words(): the page's words. */
  constructor({ box, text, close, words }) {
    Object.assign(this, { box, textEl: text, words });
    this.text = '';
    close.addEventListener('click', () => this.hide());
  }

  /** text: a string, or words => string, said again in the other language when the learner switches. */
  show(text) {
    this.text = text;
    this.relabel();
    this.box.hidden = false;
  }

  hide() {
    this.box.hidden = true;
  }

  relabel() {
    this.textEl.textContent = typeof this.text === 'function' ? this.text(this.words()) : this.text;
  }
}
