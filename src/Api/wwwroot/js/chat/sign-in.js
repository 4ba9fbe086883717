/** Sign-in (display name, password when the server asks for one, GitHub when enabled) and sign-out. */

import { request } from './api.js';

/**
 * @typedef {object} Me `GET /auth/me`
 * @property {boolean} isAuthenticated
 * @property {string|null} userId
 * @property {string|null} userName
 * @property {string|null} displayName
 * @property {boolean} isAdmin
 * @property {boolean} remoteControlRequiresSignIn
 * @property {boolean} signInRequiresPassword
 * @property {boolean} gitHubEnabled
 */

export class Account {
  #elements;
  #onChange;
  #onError;
  /** @type {Me|null} */
  #me = null;

  /**
   * @param {object} elements
   * @param {HTMLButtonElement} elements.signInButton
   * @param {HTMLButtonElement} elements.signOutButton
   * @param {HTMLDialogElement} elements.dialog
   * @param {HTMLFormElement} elements.form
   * @param {HTMLButtonElement} elements.cancel
   * @param {HTMLElement} elements.passwordField
   * @param {HTMLElement} elements.error
   * @param {HTMLElement} elements.gitHub
   * @param {HTMLAnchorElement} elements.gitHubLink
   * @param {object} callbacks
   * @param {(me: Me) => void} callbacks.onChange after the identity changed (sign-in or sign-out)
   * @param {(error: unknown) => void} callbacks.onError
   */
  constructor(elements, { onChange, onError }) {
    this.#elements = elements;
    this.#onChange = onChange;
    this.#onError = onError;
    const { signInButton, signOutButton, dialog, form, cancel } = elements;
    signInButton.addEventListener('click', () => this.#open());
    signOutButton.addEventListener('click', () => this.#signOut());
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#signIn();
    });
  }

  /** @returns {Me|null} */
  get me() {
    return this.#me;
  }

  /** Reads who is signed in. */
  async load() {
    this.#set(await request('/auth/me'));
  }

  #set(me) {
    this.#me = me;
    const { signInButton, signOutButton, passwordField, gitHub } = this.#elements;
    signInButton.hidden = me.isAuthenticated;
    signOutButton.hidden = !me.isAuthenticated;
    passwordField.hidden = !me.signInRequiresPassword;
    gitHub.hidden = !me.gitHubEnabled;
  }

  #open() {
    const { dialog, form, error, gitHubLink } = this.#elements;
    form.reset();
    error.textContent = '';
    const returnUrl = window.location.pathname + window.location.search;
    gitHubLink.href = `/auth/github?returnUrl=${encodeURIComponent(returnUrl)}`;
    dialog.showModal();
  }

  async #signIn() {
    const { dialog, form, error } = this.#elements;
    const displayName = form.elements.displayName.value.trim();
    if (!form.elements.displayName.checkValidity() || !displayName) {
      error.textContent = 'Choose a display name of 1 to 32 letters, digits, _, - or .';
      form.elements.displayName.focus();
      return;
    }
    const body = { displayName };
    if (this.#me?.signInRequiresPassword) body.password = form.elements.password.value;
    try {
      this.#set(await request('/auth/signin', { method: 'POST', body }));
    } catch (e) {
      error.textContent = e.message;
      return;
    }
    dialog.close();
    this.#onChange(this.#me);
  }

  async #signOut() {
    try {
      await request('/auth/signout', { method: 'POST' });
      await this.load();
    } catch (error) {
      this.#onError(error);
      return;
    }
    this.#onChange(this.#me);
  }
}
