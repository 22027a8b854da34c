// Light, dark, or follow the system (prefers-color-scheme). The choice is kept in localStorage.
const ORDER = ['auto', 'light', 'dark'];
const LABEL = { auto: 'Theme: follow the system', light: 'Theme: light', dark: 'Theme: dark' }; // without words()
const ICON = { auto: '◐', light: '☀', dark: '☾' };

function saved() {
  try {
    const value = localStorage.getItem('bpflab.theme');
    return ORDER.includes(value) ? value : 'auto';
  } catch {
    return 'auto';
  }
}

export function applyTheme(theme) {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem('bpflab.theme', theme);
  } catch { /* private mode: the choice lasts this page */ }
}

/**
 * words(): the page's words (page-strings.js) in its language now, or nothing for English (the dashboard);
 * relabel() says the button's name again after a switch of language.
 */
export function setupThemeToggle(button, words = () => ({ theme: LABEL })) {
  let theme = saved();
  const show = () => {
    const label = words().theme[theme];
    button.textContent = ICON[theme];
    button.title = label;
    button.setAttribute('aria-label', label);
  };
  show();
  button.addEventListener('click', () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    applyTheme(theme);
    show();
  });
  return { set(t) { theme = t; applyTheme(t); show(); }, relabel: show };
}
