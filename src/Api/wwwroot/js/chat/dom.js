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
 * @param {string} userId
 * @param {string} [displayName]
 * @returns {number} 0–359
 */
export function hueOf(userId, displayName = '') {
  // Anonymous users are numbered (user1, user2, …): the golden angle puts any run of consecutive numbers far apart
  // on the colour wheel, so people who arrive one after the other never share a colour.
  const numbered = userId.startsWith('-') ? /^user(\d+)$/.exec(displayName) : null;
  if (numbered) return Math.floor((Number(numbered[1]) * 137.508) % 360);
  // Anyone else: FNV-1a with a murmur finaliser, so ids that differ in one character land far apart.
  let hash = 0x811c9dc5;
  for (const ch of userId) hash = Math.imul(hash ^ ch.codePointAt(0), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % 360;
}

/**
 * Fills an avatar element: the picture when it is an http(s) URL, else the name's initial.
 * @param {HTMLElement} element
 * @param {{ userId: string, displayName: string, profileUrl?: string }} user
 * @returns {HTMLElement} the element
 */
export function fillAvatar(element, { userId, displayName, profileUrl }) {
  element.style.setProperty('--hue', String(hueOf(userId, displayName)));
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
