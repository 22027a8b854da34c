// Light, dark, or follow the system (prefers-color-scheme). The choice is kept in localStorage.
const ORDER = ['auto', 'light', 'dark'];
const LABEL = { auto: 'Theme: follow the system', light: 'Theme: light', dark: 'Theme: dark' };
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

export function setupThemeToggle(button) {
  let theme = saved();
  const show = () => {
    button.textContent = ICON[theme];
    button.title = LABEL[theme];
    button.setAttribute('aria-label', LABEL[theme]);
  };
  show();
  button.addEventListener('click', () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    applyTheme(theme);
    show();
  });
  return { set(t) { theme = t; applyTheme(t); show(); } };
}
