// Lesson text: Markdown to HTML with marked. Raw HTML in the Markdown is shown as text, never run as HTML, and only
// http(s)/mailto links become links. C code blocks get the editor's colours (the same lezer parser and tok-* classes).
import { Marked } from 'marked';
import { highlightCode, classHighlighter } from '@lezer/highlight';
import { cppLanguage } from '@codemirror/lang-cpp';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = text => String(text).replace(/[&<>"']/g, c => ESCAPES[c]);

function safeUrl(href) {
  try {
    const url = new URL(href, window.location.href);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text, block }) => (block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text)),
    link({ href, title, tokens }) {
      const text = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      if (!url) return text;
      const titled = title ? ` title="${escapeHtml(title)}"` : '';
      // A lesson's links open beside the lab, so the learner's page (and a running program) stays put.
      return `<a href="${escapeHtml(url)}"${titled} target="_blank" rel="noopener noreferrer">${text}</a>`;
    },
    image({ href, text }) {
      const url = safeUrl(href);
      return url ? `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}" loading="lazy">` : escapeHtml(text);
    },
  },
});

/** Block Markdown (an intro, a step's body) into `container`, code blocks highlighted. */
export function renderMarkdown(container, text) {
  container.innerHTML = markdown.parse(String(text ?? ''));
  for (const code of container.querySelectorAll('pre > code.language-c, pre > code.language-cpp, pre > code.language-h')) {
    highlightC(code);
  }
  return container;
}

/** One line of inline Markdown (a step title, a hint) into `container`. */
export function renderInline(container, text) {
  container.innerHTML = markdown.parseInline(String(text ?? ''));
  return container;
}

function highlightC(code) {
  const source = code.textContent;
  const tree = cppLanguage.parser.parse(source);
  const out = document.createDocumentFragment();
  highlightCode(source, tree, classHighlighter,
    (text, classes) => out.append(classes ? Object.assign(document.createElement('span'), { className: classes, textContent: text }) : text),
    () => out.append('\n'));
  code.replaceChildren(out);
}
