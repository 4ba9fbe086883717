/**
 * Completes user names after `@` in the message box: a listbox under the WAI-ARIA combobox pattern.
 * ArrowUp / ArrowDown choose, Tab or Enter accept, Escape closes.
 */

import { avatar, el } from './dom.js';

const MAX_OPTIONS = 8;

/**
 * @typedef {object} Candidate
 * @property {string} userId
 * @property {string} displayName
 * @property {string} [profileUrl]
 */

export class MentionAutocomplete {
  #input;
  #list;
  #candidates;
  /** @type {Candidate[]} */
  #options = [];
  #selected = 0;
  /** Where the `@` of the word being completed is. */
  #start = 0;

  /**
   * @param {HTMLInputElement} input with role=combobox
   * @param {HTMLElement} list with role=listbox
   * @param {() => Candidate[]} candidates the names that can be mentioned
   */
  constructor(input, list, candidates) {
    this.#input = input;
    this.#list = list;
    this.#candidates = candidates;
    input.addEventListener('input', () => this.#update());
    input.addEventListener('blur', () => this.close());
    // mousedown, not click: keeps the focus (and the caret) in the input.
    list.addEventListener('mousedown', (event) => {
      const option = event.target.closest('[role="option"]');
      if (!option) return;
      event.preventDefault();
      this.#accept(Number(option.dataset.index));
    });
  }

  get isOpen() {
    return !this.#list.hidden;
  }

  /**
   * Handles the keys of an open list.
   * @param {KeyboardEvent} event
   * @returns {boolean} whether the key was used
   */
  handleKey(event) {
    if (!this.isOpen) return false;
    const count = this.#options.length;
    switch (event.key) {
      case 'ArrowDown': this.#select((this.#selected + 1) % count); break;
      case 'ArrowUp': this.#select((this.#selected - 1 + count) % count); break;
      case 'Tab':
      case 'Enter': this.#accept(this.#selected); break;
      case 'Escape': this.close(); break;
      default: return false;
    }
    event.preventDefault();
    return true;
  }

  close() {
    this.#list.hidden = true;
    this.#list.replaceChildren();
    this.#options = [];
    this.#input.setAttribute('aria-expanded', 'false');
    this.#input.removeAttribute('aria-activedescendant');
  }

  #update() {
    const caret = this.#input.selectionStart ?? this.#input.value.length;
    const match = /(?:^|\s)@([^\s@]*)$/.exec(this.#input.value.slice(0, caret));
    if (!match) {
      this.close();
      return;
    }
    const prefix = match[1].toLowerCase();
    this.#start = caret - match[1].length - 1;
    this.#options = this.#candidates()
      .filter((c) => c.displayName.toLowerCase().startsWith(prefix))
      .slice(0, MAX_OPTIONS);
    if (this.#options.length === 0) {
      this.close();
      return;
    }
    this.#list.replaceChildren(...this.#options.map((c, index) => el('li', {
      attrs: { id: `mention-option-${index}`, role: 'option', 'aria-selected': 'false', 'data-index': String(index) },
    }, avatar(c.userId, c.displayName, c.profileUrl), el('span', { className: 'option-name', text: c.displayName }))));
    this.#list.hidden = false;
    this.#input.setAttribute('aria-expanded', 'true');
    this.#select(0);
  }

  #select(index) {
    this.#selected = index;
    for (const option of this.#list.children) {
      option.setAttribute('aria-selected', String(Number(option.dataset.index) === index));
    }
    this.#input.setAttribute('aria-activedescendant', `mention-option-${index}`);
    this.#list.children[index]?.scrollIntoView({ block: 'nearest' });
  }

  #accept(index) {
    const choice = this.#options[index];
    if (!choice) return;
    const { value } = this.#input;
    const caret = this.#input.selectionStart ?? value.length;
    const before = `${value.slice(0, this.#start)}@${choice.displayName} `;
    this.#input.value = before + value.slice(caret).replace(/^\s+/, '');
    this.#input.setSelectionRange(before.length, before.length);
    this.close();
  }
}
