// Tiny DOM builder for the webviews. Everything untrusted goes through text nodes and setAttribute: no HTML strings,
// no innerHTML, so a run named `<img onerror=…>` is shown as exactly that text.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  /** Plain attributes, set with setAttribute (values are strings, never parsed as HTML). */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  if (props) {
    if (props.class) element.className = props.class;
    if (props.title !== undefined) element.title = props.title;
    for (const [name, value] of Object.entries(props.attrs ?? {})) {
      if (value === undefined || value === false) continue;
      element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const [type, listener] of Object.entries(props.on ?? {})) {
      element.addEventListener(type, listener as EventListener);
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A link-looking control that runs `action` (keyboard accessible, never navigates). */
export function actionLink(label: string, action: () => void, title?: string): HTMLAnchorElement {
  return h(
    'a',
    {
      class: 'link',
      title,
      attrs: { href: '#', role: 'button' },
      on: {
        click: (event) => {
          event.preventDefault();
          action();
        },
      },
    },
    label,
  );
}
