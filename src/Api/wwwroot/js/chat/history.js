/**
 * Merges channel history with live chat messages: each message shown once (by id), history before the
 * live messages that arrived while it loaded, and nothing missed across reconnects.
 */

import { request } from './api.js';

/** How many earlier messages a channel shows when it is opened. */
const HISTORY_TAKE = 100;

/**
 * True for a chat message object as the server sends it. Remote-control posts relay strings, so a
 * `cmd.chat` sent through `/raw` cannot pass for someone's message.
 * @param {unknown} value
 * @returns {value is import('./chat-view.js').ChatMessage}
 */
export function isChatMessage(value) {
  return typeof value === 'object' && value !== null
    && Number.isSafeInteger(value.id)
    && typeof value.channel === 'string'
    && typeof value.fromUserId === 'string'
    && typeof value.displayName === 'string'
    && typeof value.message === 'string';
}

export class MessageFeed {
  #show;
  #onError;
  /** Ids already shown (ids are unique across channels, private messages included). */
  #seen = new Set();
  /** Highest public id per channel: where the next history request resumes. */
  #lastId = new Map();
  /** Channels whose history is loading → how many loads are in flight and the live messages held back. */
  #loading = new Map();

  /**
   * @param {{ show: (message: import('./chat-view.js').ChatMessage, options: { live: boolean }) => void, onError: (error: unknown) => void }} options
   */
  constructor({ show, onError }) {
    this.#show = show;
    this.#onError = onError;
  }

  /**
   * A message from the event stream (or the answer to our own post).
   * @param {import('./chat-view.js').ChatMessage} message
   */
  receive(message) {
    const loading = this.#loading.get(message.channel);
    if (loading) loading.buffer.push(message);
    else this.#add(message, true);
  }

  /**
   * Loads what each channel missed since the last message shown (its last messages the first time),
   * then releases the live messages held back meanwhile. Call after every connect and channel join.
   * @param {string[]} channels
   * @returns {Promise<void>}
   */
  async load(channels) {
    for (const channel of channels) {
      const loading = this.#loading.get(channel) ?? { pending: 0, buffer: [] };
      loading.pending += 1;
      this.#loading.set(channel, loading);
    }
    await Promise.all(channels.map((channel) => this.#loadChannel(channel)));
  }

  /** @param {string} channel forget what was shown there (its history was cleared) */
  cleared(channel) {
    this.#loading.get(channel)?.buffer.splice(0);
  }

  async #loadChannel(channel) {
    try {
      const afterId = this.#lastId.get(channel) ?? 0;
      const query = `channels=${encodeURIComponent(channel)}&afterId=${afterId}&take=${HISTORY_TAKE}`;
      const messages = await request(`/chathistory?${query}`);
      for (const message of messages) {
        if (isChatMessage(message)) this.#add(message, false);
      }
    } catch (error) {
      this.#onError(error);
    } finally {
      const loading = this.#loading.get(channel);
      if (--loading.pending === 0) {
        this.#loading.delete(channel);
        for (const message of loading.buffer) this.#add(message, true);
      }
    }
  }

  #add(message, live) {
    if (this.#seen.has(message.id)) return;
    this.#seen.add(message.id);
    if (!message.private && message.id > (this.#lastId.get(message.channel) ?? 0)) {
      this.#lastId.set(message.channel, message.id);
    }
    this.#show(message, { live });
  }
}
