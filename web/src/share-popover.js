// The Share button: POST /api/shares with what the page says to keep, then a popover with the link to copy.
import { api } from './api.js';

const $ = id => document.getElementById(id);

/**
 * Wires #share, #share-popover, #share-url, #share-copy and #share-close. body() gives the share's JSON
 * ({source, template, params, lesson, progress}); onError(words => text) reports a failure; words() gives the page's
 * words (page-strings.js) in its language now.
 */
export function setupSharePopover({ body, onError, words }) {
  const button = $('share');
  const popover = $('share-popover');
  const input = $('share-url');
  const close = () => {
    popover.hidden = true;
    button.focus();
  };

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { id } = await api('/api/shares', { method: 'POST', body: body() });
      window.history.replaceState(null, '', `/s/${id}`);
      input.value = `${window.location.origin}/s/${id}`;
      popover.hidden = false;
      input.focus();
      input.select();
    } catch (e) {
      onError(w => w.shareFailed(e.message));
    } finally {
      button.disabled = false;
    }
  });
  $('share-close').addEventListener('click', close);
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !popover.hidden) close();
  });
  $('share-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand('copy');
    }
    $('share-copy').textContent = words().copied;
    setTimeout(() => { $('share-copy').textContent = words().copy; }, 1500);
  });
}
