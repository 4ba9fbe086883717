/**
 * Who is in each channel: one entry per user however many tabs (subscriptions) they have open,
 * kept by a reference count per user and channel from join / leave / update notices, and
 * re-checked against the server's subscriber list once the notices settle.
 */

import { avatar, el } from './dom.js';

/** Quiet time after the last notice before the list is re-checked; jittered so pages do not ask together. */
const RESYNC_DELAY_MS = 300;
const RESYNC_JITTER_MS = 700;

/**
 * @typedef {object} User
 * @property {string} userId
 * @property {string} displayName
 * @property {boolean} isAuthenticated
 * @property {string} [profileUrl]
 * @property {number} count how many of the user's subscriptions are in the channel
 */

/**
 * The public info of a subscription (join / leave / update bodies and `/event-subscribers` entries).
 * @param {unknown} value
 * @returns {boolean}
 */
function isSubscriber(value) {
  return typeof value === 'object' && value !== null
    && typeof value.userId === 'string' && typeof value.displayName === 'string';
}

function channelsOf(info) {
  return typeof info.channels === 'string' ? info.channels.split(',').filter(Boolean) : [];
}

function identity(info) {
  return {
    userId: info.userId,
    displayName: info.displayName,
    isAuthenticated: info.isAuthenticated === 'true' || info.isAuthenticated === true,
    profileUrl: typeof info.profileUrl === 'string' ? info.profileUrl : undefined,
  };
}

export class Presence {
  /** @type {Map<string, Map<string, User>>} */
  #channels = new Map();
  #loadSubscribers;
  #onChange;
  #onError;
  #timer = null;
  #syncing = false;
  #again = false;

  /**
   * @param {object} options
   * @param {() => Promise<{ subscribers: object[], channels: string[] }>} options.loadSubscribers
   *   every subscription in the given channels
   * @param {() => void} options.onChange
   * @param {(error: unknown) => void} options.onError
   */
  constructor({ loadSubscribers, onChange, onError }) {
    this.#loadSubscribers = loadSubscribers;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /**
   * @param {string} channel
   * @returns {User[]} sorted by name
   */
  users(channel) {
    return [...(this.#channels.get(channel)?.values() ?? [])]
      .sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' }));
  }

  /**
   * @param {string} name a display name, any case
   * @param {string} preferredChannel searched first
   * @returns {User|undefined}
   */
  find(name, preferredChannel) {
    const wanted = name.toLowerCase();
    const channels = [preferredChannel, ...this.#channels.keys()];
    for (const channel of channels) {
      for (const user of this.#channels.get(channel)?.values() ?? []) {
        if (user.displayName.toLowerCase() === wanted) return user;
      }
    }
    return undefined;
  }

  /**
   * @param {string} userId
   * @returns {string|undefined} that user's display name when they are in one of the channels
   */
  nameOf(userId) {
    for (const users of this.#channels.values()) {
      const user = users.get(userId);
      if (user) return user.displayName;
    }
    return undefined;
  }

  /** `<channel>@cmd.onJoin` */
  join(channel, info) {
    if (!isSubscriber(info)) return;
    this.#add(this.#users(channel), info);
    this.#changed();
  }

  /** `<channel>@cmd.onLeave` */
  leave(channel, info) {
    if (!isSubscriber(info)) return;
    this.#remove(this.#users(channel), info.userId);
    this.#changed();
  }

  /**
   * `<channel>@cmd.onUpdate`: sent to the old and new channels of a subscription that changed, so the
   * subscription is in this channel exactly when its new channel list says so.
   */
  update(channel, info) {
    if (!isSubscriber(info)) return;
    const users = this.#users(channel);
    const user = users.get(info.userId);
    if (channelsOf(info).includes(channel)) {
      if (user) Object.assign(user, identity(info));
      else this.#add(users, info);
    } else if (user) {
      this.#remove(users, info.userId);
    }
    this.#changed();
  }

  /**
   * Replaces the counts with the server's list now (after a connect or a channel change).
   * Notices that raced the request schedule another look.
   * @returns {Promise<void>}
   */
  async resync() {
    clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#syncing) {
      this.#again = true;
      return;
    }
    this.#syncing = true;
    this.#again = false;
    try {
      const { subscribers, channels } = await this.#loadSubscribers();
      const next = new Map(channels.map((channel) => [channel, new Map()]));
      for (const info of subscribers) {
        if (!isSubscriber(info)) continue;
        for (const channel of channelsOf(info)) {
          const users = next.get(channel);
          if (users) this.#add(users, info);
        }
      }
      this.#channels = next;
      this.#onChange();
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#syncing = false;
      if (this.#again) this.#scheduleResync();
    }
  }

  #users(channel) {
    let users = this.#channels.get(channel);
    if (!users) this.#channels.set(channel, (users = new Map()));
    return users;
  }

  #add(users, info) {
    const user = users.get(info.userId);
    if (user) Object.assign(user, identity(info), { count: user.count + 1 });
    else users.set(info.userId, { ...identity(info), count: 1 });
  }

  #remove(users, userId) {
    const user = users.get(userId);
    if (user && --user.count <= 0) users.delete(userId);
  }

  #changed() {
    if (this.#syncing) this.#again = true;
    else this.#scheduleResync();
    this.#onChange();
  }

  #scheduleResync() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.resync(), RESYNC_DELAY_MS + Math.random() * RESYNC_JITTER_MS);
  }
}

/**
 * Renders the users of one channel; clicking a user starts a private message to them.
 * @param {HTMLElement} list
 * @param {User[]} users
 * @param {string|null} myUserId
 * @param {(user: User) => void} onPick
 */
export function renderUsers(list, users, myUserId, onPick) {
  list.replaceChildren(...users.map((user) => {
    const mine = user.userId === myUserId;
    const button = el('button', {
      className: 'user',
      attrs: { type: 'button', title: mine ? 'You' : `Message ${user.displayName} privately` },
    }, avatar(user.userId, user.displayName, user.profileUrl), el('span', { className: 'user-name', text: user.displayName }));
    if (mine) button.append(el('span', { className: 'user-you', text: '(you)' }));
    if (user.isAuthenticated) button.append(el('span', { className: 'user-verified', text: '✓', attrs: { title: 'Signed in', 'aria-label': 'signed in' } }));
    button.append(el('span', { className: 'presence-dot', attrs: { 'aria-hidden': 'true' } }));
    button.addEventListener('click', () => onPick(user));
    return el('li', { attrs: { 'data-user-id': user.userId } }, button);
  }));
}
