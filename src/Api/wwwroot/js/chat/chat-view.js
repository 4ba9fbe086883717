/** Channel tabs and their message logs: ordering by id, grouping, mentions, unread counts. */

import { avatar, el, httpUrl } from './dom.js';

/** Messages from one sender closer together than this share one header. */
const GROUP_WINDOW_MS = 5 * 60 * 1000;

/** How close to the bottom (px) a log counts as "following" new messages. */
const STICK_THRESHOLD_PX = 80;

/** Links, and @names that do not sit inside a word (so e-mail addresses are not mentions). */
const TOKEN = /(https?:\/\/[^\s<>"']+)|((?<![\w@.-])@[A-Za-z0-9_.-]+)/g;

/**
 * @typedef {object} ChatMessage
 * @property {number} id unique and increasing across channels
 * @property {string} channel
 * @property {string} fromUserId
 * @property {string} fromName
 * @property {string} displayName
 * @property {string} message
 * @property {boolean} private
 * @property {string} createdAt ISO 8601
 * @property {string} [toUserId]
 */

/**
 * @typedef {object} ViewContext
 * @property {() => ({ userId: string, displayName: string }|null)} me the connected user
 * @property {(userId: string) => string} nameOf a display name for a user id
 */

export class ChatView {
  #tabList;
  #panels;
  #context;
  #onActivate;
  /** @type {Map<string, { channel: string, tab: HTMLElement, panel: HTMLElement, log: HTMLElement, badge: HTMLElement, unread: number, stick: boolean }>} */
  #channels = new Map();
  #active = null;
  /** Numbers the tab and panel ids (channel names may hold characters ids should not). */
  #nextId = 0;

  /**
   * @param {{ tabList: HTMLElement, panels: HTMLElement, context: ViewContext, onActivate: (channel: string) => void }} options
   */
  constructor({ tabList, panels, context, onActivate }) {
    this.#tabList = tabList;
    this.#panels = panels;
    this.#context = context;
    this.#onActivate = onActivate;
    tabList.addEventListener('keydown', (event) => this.#onTabKey(event));
  }

  /** @returns {string[]} the channels, in tab order */
  get channels() {
    return [...this.#channels.keys()];
  }

  /** @returns {string|null} the channel whose tab is selected */
  get active() {
    return this.#active;
  }

  /** @param {string} channel */
  has(channel) {
    return this.#channels.has(channel);
  }

  /**
   * Adds a tab and its message log; the first one becomes active.
   * @param {string} channel
   */
  addChannel(channel) {
    if (this.#channels.has(channel)) return;
    const index = this.#nextId++;
    const badge = el('span', { className: 'unread', attrs: { 'aria-hidden': 'true' } });
    badge.hidden = true;
    const tab = el('button', {
      className: 'tab',
      attrs: {
        type: 'button', role: 'tab', id: `tab-${index}`, 'aria-controls': `panel-${index}`,
        'aria-selected': 'false', tabindex: '-1', 'data-channel': channel,
      },
    }, `# ${channel}`, badge);
    tab.addEventListener('click', () => this.activate(channel));

    const log = el('ol', { className: 'messages' });
    const panel = el('div', {
      className: 'panel',
      attrs: { role: 'tabpanel', id: `panel-${index}`, 'aria-labelledby': `tab-${index}`, tabindex: '0', 'data-channel': channel },
    }, el('div', { className: 'log', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': `Messages in #${channel}` } }, log));
    panel.hidden = true;

    const state = { channel, tab, panel, log, badge, unread: 0, stick: true };
    panel.addEventListener('scroll', () => {
      state.stick = panel.scrollHeight - panel.scrollTop - panel.clientHeight < STICK_THRESHOLD_PX;
    });
    this.#channels.set(channel, state);
    this.#tabList.append(tab);
    this.#panels.append(panel);
    if (this.#active === null) this.activate(channel);
  }

  /**
   * Removes a tab (one that could not be joined); the first tab becomes active if it was.
   * @param {string} channel
   */
  removeChannel(channel) {
    const state = this.#channels.get(channel);
    if (!state) return;
    state.tab.remove();
    state.panel.remove();
    this.#channels.delete(channel);
    if (this.#active === channel) {
      this.#active = null;
      const [first] = this.#channels.keys();
      if (first !== undefined) this.activate(first);
    }
  }

  /**
   * @param {string} channel
   * @param {{ focus?: boolean }} [options] move the keyboard focus to the tab
   */
  activate(channel, { focus = false } = {}) {
    const next = this.#channels.get(channel);
    if (!next) return;
    for (const [name, state] of this.#channels) {
      const selected = name === channel;
      state.tab.setAttribute('aria-selected', String(selected));
      state.tab.tabIndex = selected ? 0 : -1;
      state.panel.hidden = !selected;
    }
    this.#active = channel;
    clearUnread(next);
    if (next.stick) next.panel.scrollTop = next.panel.scrollHeight;
    if (focus) next.tab.focus();
    this.#onActivate(channel);
  }

  /**
   * Shows a message in its channel's log (the active one when it is not a tab here), in id order.
   * @param {ChatMessage} message
   * @param {{ live: boolean }} options live messages count as unread on other tabs
   */
  addMessage(message, { live }) {
    const state = this.#channels.get(message.channel) ?? this.#channels.get(this.#active);
    if (!state) return;
    const row = this.#render(message);
    let next = null;
    for (let r = state.log.lastElementChild; r && Number(r.dataset.id) > message.id; r = r.previousElementSibling) next = r;
    state.log.insertBefore(row, next);
    group(row);
    if (next) group(next);

    if (state.stick || row.classList.contains('mine')) state.panel.scrollTop = state.panel.scrollHeight;
    if (live && state !== this.#channels.get(this.#active)) {
      state.unread += 1;
      state.badge.textContent = String(state.unread);
      state.badge.hidden = false;
      state.tab.setAttribute('aria-label', `# ${state.channel}, ${state.unread} unread`);
    }
  }

  /** @param {string} channel removes every message shown in that tab */
  clear(channel) {
    const state = this.#channels.get(channel);
    if (!state) return;
    state.log.replaceChildren();
    clearUnread(state);
  }

  #render(message) {
    const me = this.#context.me();
    const mine = me !== null && message.fromUserId === me.userId;
    const createdAt = new Date(message.createdAt);
    const time = Number.isNaN(createdAt.getTime()) ? new Date() : createdAt;
    const { nodes, mentionsMe } = formatText(message.message, me?.displayName);

    const header = el('div', { className: 'msg-header' }, el('span', { className: 'msg-author', text: message.displayName }));
    if (message.private) header.append(el('span', { className: 'msg-tag', text: this.#privateLabel(message, mine, me) }));
    header.append(el('time', {
      className: 'msg-time',
      text: time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
      attrs: { datetime: time.toISOString(), title: time.toLocaleString() },
    }));

    const row = el('li', {
      className: 'msg',
      attrs: {
        'data-id': String(message.id),
        'data-from': message.fromUserId,
        'data-kind': message.private ? `private:${message.toUserId ?? ''}` : 'public',
        'data-time': String(time.getTime()),
      },
    }, avatar(message.fromUserId, message.displayName), header, el('div', { className: 'msg-text' }, ...nodes));
    row.classList.toggle('private', message.private);
    row.classList.toggle('mine', mine);
    row.classList.toggle('mention', mentionsMe && !mine && !message.private);
    return row;
  }

  #privateLabel(message, mine, me) {
    if (!mine) return 'private';
    return message.toUserId === me.userId ? 'note to self' : `private to ${this.#context.nameOf(message.toUserId)}`;
  }

  // Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern, automatic activation).
  #onTabKey(event) {
    const channels = this.channels;
    const index = channels.indexOf(this.#active);
    const moves = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: channels.length - 1 };
    if (!(event.key in moves) || index < 0) return;
    event.preventDefault();
    const target = (moves[event.key] + channels.length) % channels.length;
    this.activate(channels[target], { focus: true });
  }
}

function clearUnread(state) {
  state.unread = 0;
  state.badge.textContent = '';
  state.badge.hidden = true;
  state.tab.removeAttribute('aria-label');
}

/** Marks `row` as a continuation when the row above is from the same sender, of the same kind, and recent. */
function group(row) {
  const previous = row.previousElementSibling;
  const continued = previous !== null
    && previous.dataset.from === row.dataset.from
    && previous.dataset.kind === row.dataset.kind
    && Math.abs(Number(row.dataset.time) - Number(previous.dataset.time)) < GROUP_WINDOW_MS;
  row.classList.toggle('continued', continued);
}

/**
 * Splits message text into text nodes, links (http and https only) and @mentions.
 * @param {string} text
 * @param {string} [myName] highlight mentions of this name
 * @returns {{ nodes: Node[], mentionsMe: boolean }}
 */
function formatText(text, myName) {
  const nodes = [];
  const me = myName ? `@${myName}`.toLowerCase() : null;
  let mentionsMe = false;
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    let [token] = match;
    if (match[1]) token = token.replace(/[.,;:!?)\]}]+$/, '');
    const url = match[1] ? httpUrl(token) : null;
    if (match[1] && !url) continue;
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    if (url) {
      nodes.push(el('a', { text: token, attrs: { href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow' } }));
    } else {
      token = token.replace(/\.+$/, '');
      mentionsMe ||= token.toLowerCase() === me;
      nodes.push(el('span', { className: 'mention-name', text: token }));
    }
    last = match.index + token.length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return { nodes, mentionsMe };
}
