/**
 * What the message box understands, and its command history:
 * - `text`                  chat in the active channel
 * - `@name text`, `@me text` a private message (to yourself with `me`)
 * - `/selector message`     remote control, e.g. `/cmd.announce hi`, `/css.background$#top #673ab7`
 * - `@name /selector message` remote control of one user's pages
 * - `/cmd.addReceiver window`, `/cmd.removeReceiver window` local commands: they change this page only and
 *   never go to the server, so nobody else can send them to you
 */

/** Commands that act on the page they are typed on, and only there. */
const LOCAL_COMMANDS = new Set(['cmd.addReceiver', 'cmd.removeReceiver']);

/**
 * @typedef {object} Command
 * @property {string} message
 * @property {string} [toUserId] set for private messages and targeted remote control
 * @property {string} [selector] set for remote control and local commands
 * @property {boolean} [local] a local command: run it on this page, do not send it
 */

function splitOnFirstSpace(text) {
  const match = /\s/.exec(text);
  return match ? [text.slice(0, match.index), text.slice(match.index + 1)] : [text, ''];
}

/**
 * @param {string} text what was typed
 * @param {(name: string) => ({ userId: string }|undefined|null)} findUser resolves `@name` (and `@me`)
 * @returns {Command}
 * @throws {Error} with a sentence for the person typing
 */
export function parseCommand(text, findUser) {
  let rest = text.trim();
  let toUserId;
  if (rest.startsWith('@')) {
    const [name, tail] = splitOnFirstSpace(rest.slice(1));
    const user = name ? findUser(name) : undefined;
    if (!user) throw new Error(name ? `Nobody called @${name} is in this chat.` : 'Write a name after @.');
    toUserId = user.userId;
    rest = tail.trim();
    if (!rest) throw new Error(`Write a message after @${name}.`);
  }
  if (rest.startsWith('/')) {
    const [selector, message] = splitOnFirstSpace(rest.slice(1));
    if (!selector.includes('.')) throw new Error('Remote control looks like /cmd.announce hello or /css.color$#top red.');
    if (LOCAL_COMMANDS.has(selector)) {
      if (toUserId !== undefined && toUserId !== findUser('me')?.userId) {
        throw new Error(`Only the person using a page can change what it lets others do: ask them to type /${selector} ${message} themselves.`);
      }
      return { selector, message, local: true };
    }
    return { toUserId, selector, message };
  }
  return { toUserId, message: rest };
}

/** Earlier inputs, browsed with the up and down keys like a shell. */
export class CommandHistory {
  static #limit = 100;
  #items = [];
  #index = 0;
  #draft = '';

  /** @param {string} text a sent input */
  push(text) {
    if (this.#items.at(-1) !== text) this.#items.push(text);
    if (this.#items.length > CommandHistory.#limit) this.#items.shift();
    this.#index = this.#items.length;
    this.#draft = '';
  }

  /**
   * Handles ArrowUp / ArrowDown in the input.
   * @param {KeyboardEvent} event
   * @param {HTMLInputElement} input
   * @returns {boolean} whether the key was used
   */
  handleKey(event, input) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
    if (event.key === 'ArrowUp' && this.#index > 0) {
      if (this.#index === this.#items.length) this.#draft = input.value;
      this.#show(input, this.#items[--this.#index]);
    } else if (event.key === 'ArrowDown' && this.#index < this.#items.length) {
      this.#index += 1;
      this.#show(input, this.#index === this.#items.length ? this.#draft : this.#items[this.#index]);
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  #show(input, text) {
    input.value = text;
    input.setSelectionRange(text.length, text.length);
  }
}
