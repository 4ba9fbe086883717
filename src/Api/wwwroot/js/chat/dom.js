/**
 * Small DOM helpers. Text only ever goes in through textContent or text nodes, never as HTML:
 * everything users type is shown as text.
 */

/**
 * @param {string} tag
 * @param {{ className?: string, text?: string, attrs?: Record<string, string> }} [props]
 * @param {...(Node|string)} children strings become text nodes
 * @returns {HTMLElement}
 */
export function el(tag, { className, text, attrs } = {}, ...children) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * A stable hue for a user, so each person keeps one avatar colour.
 * @param {string} key
 * @returns {number} 0–359
 */
function hueOf(key) {
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 360;
}

/**
 * Fills an avatar element: the picture when it is an http(s) URL, else the name's initial.
 * @param {HTMLElement} element
 * @param {{ userId: string, displayName: string, profileUrl?: string }} user
 * @returns {HTMLElement} the element
 */
export function fillAvatar(element, { userId, displayName, profileUrl }) {
  element.style.setProperty('--hue', String(hueOf(userId)));
  const picture = httpUrl(profileUrl);
  if (picture) {
    element.replaceChildren(el('img', { attrs: { src: picture.href, alt: '', referrerpolicy: 'no-referrer' } }));
  } else {
    element.textContent = Array.from(displayName.trim())[0] ?? '?';
  }
  return element;
}

/**
 * @param {string} userId
 * @param {string} displayName
 * @param {string} [profileUrl]
 * @returns {HTMLElement} a decorative avatar
 */
export function avatar(userId, displayName, profileUrl) {
  return fillAvatar(el('span', { className: 'avatar', attrs: { 'aria-hidden': 'true' } }), { userId, displayName, profileUrl });
}

/**
 * @param {unknown} text an absolute or same-site relative URL
 * @returns {URL|null} the URL when its scheme is http or https
 */
export function httpUrl(text) {
  if (typeof text !== 'string' || text.trim() === '') return null;
  try {
    const url = new URL(text.trim(), window.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
