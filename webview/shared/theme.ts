// Reading VS Code's theme (the CSS variables it sets on <html>) and following its changes.

/** The value of a CSS custom property on <html>, or `fallback` when the theme does not define it. */
export function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * Calls `listener` (debounced to one call per frame) when the colour theme changes: VS Code rewrites the style
 * attribute of <html> and the theme class of <body> (vscode-light, vscode-dark, vscode-high-contrast…).
 */
export function onThemeChange(listener: () => void): () => void {
  let frame = 0;
  const observer = new MutationObserver(() => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      listener();
    });
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  return () => observer.disconnect();
}
