/**
 * Browser client for ServiceStack-compatible Server-Sent Events.
 *
 * Dependency-free ES module: `import { ServerEventsClient } from '/js/server-events.js'`.
 * See PROTOCOL.md ("Client-side routing") for the wire format it consumes.
 * @module server-events
 */

/** Commands the client and the server use for bookkeeping; they never reach `onMessage`. */
const SYSTEM_COMMANDS = new Set(['onConnect', 'onJoin', 'onLeave', 'onUpdate', 'onHeartbeat', 'onReplayGap']);

const DEFAULT_HEARTBEAT_INTERVAL_MS = 10000;

/**
 * The prefix of the DOM events that `trigger.<name>` raises (`server-events:<name>`). A remote
 * `trigger.click$#sign-out` must never reach the page's own `click`, `submit` or `focus` listeners,
 * so only events in this namespace are raised, and a page listens to the ones it means to receive.
 */
export const TRIGGER_EVENT_PREFIX = 'server-events:';

/**
 * The CSS properties a remote `css.<property>` may set unless the page chooses others: colours,
 * backgrounds and font faces. None of them can hide, move, resize, cover or disable an element, so
 * remote styling cannot lock anyone out of their own page (its sign-out button or message box).
 */
export const DEFAULT_CSS_PROPERTIES = Object.freeze([
  'color', 'background', 'background-color', 'border-color', 'outline-color', 'accent-color', 'caret-color',
  'font-family', 'font-style', 'font-weight', 'text-decoration', 'text-decoration-color', 'text-transform',
]);

// Never reachable as a receiver member, even when a receiver defines them itself.
const FORBIDDEN_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);

// Browsers throw "Illegal invocation" when fetch or the timer functions are called as
// methods of another object (as they are from #env), so they are bound to the global one.
const GLOBAL_FUNCTIONS = ['fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'];

/**
 * @typedef {object} EventInfo
 * @property {string} selector the full selector, e.g. `home@cmd.chat`
 * @property {string|null} channel the channel before `@`, or null
 * @property {string} op `cmd`, `css`, `trigger` or a receiver name
 * @property {string} target the command, CSS property or receiver member (`%20` decoded)
 * @property {string|null} cssSelector the part after `$`, or null
 * @property {*} body the parsed message: null when empty, the raw string when not JSON
 * @property {string} json the raw message text
 * @property {string} [id] the event id (`MessageEvent.lastEventId`)
 * @property {EventSource} [eventSource] the stream that delivered the event
 */

/**
 * Splits `text` at the first `separator`.
 * @param {string} text
 * @param {string} separator
 * @returns {[string, string?]} the head, and the tail unless there is no separator
 */
function splitOnFirst(text, separator) {
  const i = text.indexOf(separator);
  return i < 0 ? [text] : [text.slice(0, i), text.slice(i + separator.length)];
}

/**
 * Parses the `data` of a server event (`[channel@]op.target[$cssSelector] <json>`).
 * @param {string} data
 * @returns {EventInfo} without `id` and `eventSource`
 * @throws {Error} when the selector has no `.`
 */
export function parseEventData(data) {
  const [selector, json = ''] = splitOnFirst(data, ' ');
  const [head, tail] = splitOnFirst(selector, '@');
  const [channel, route] = tail === undefined ? [null, head] : [head, tail];
  const [op, rawTarget] = splitOnFirst(route, '.');
  if (rawTarget === undefined) throw new Error(`Invalid selector: '${selector}'`);
  const [target, cssSelector = null] = splitOnFirst(rawTarget.replaceAll('%20', ' '), '$');
  return { selector, channel, op, target, cssSelector, body: parseBody(json), json };
}

function parseBody(json) {
  if (json === '') return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** @param {EventInfo} info */
export function isSystemCommand(info) {
  return info.op === 'cmd' && SYSTEM_COMMANDS.has(info.target);
}

/**
 * Exponential back-off with full jitter, so that clients dropped together do not
 * reconnect together.
 * @param {number} attempt 0 for the first retry
 * @param {{ baseDelayMs: number, maxDelayMs: number, random: () => number }} options
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, { baseDelayMs, maxDelayMs, random }) {
  return random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
}

/**
 * @param {string} property a CSS property in either spelling: `background-color` or `backgroundColor`
 * @returns {string} its dashed, lower-case name (custom properties such as `--accent` keep their case)
 */
export function cssPropertyName(property) {
  if (property.startsWith('--')) return property;
  return property.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `-${c}`).toLowerCase();
}

/**
 * The built-in `document` receiver: only `document.title` (set as text). Everything else a remote
 * page could use on the real document (`location`, `write`, `cookie`, `domain`, `open`, `body`, …)
 * is simply not there.
 * @param {Document} document
 * @returns {object}
 */
export function createDocumentReceiver(document) {
  return Object.freeze(Object.assign(Object.create(null), {
    title(message) {
      if (typeof message === 'string' || typeof message === 'number') document.title = String(message);
    },
  }));
}

/**
 * The `window` receiver: only `window.location`, which navigates to an `http:` or `https:` URL
 * (relative ones resolve against the page) and ignores anything else (`javascript:`, `data:`, …).
 * @param {Window} window
 * @returns {object}
 */
export function createWindowReceiver(window) {
  return Object.freeze(Object.assign(Object.create(null), {
    location(message) {
      if (typeof message !== 'string') return;
      let url;
      try {
        url = new URL(message.trim(), window.location.href);
      } catch {
        return;
      }
      if (url.protocol === 'http:' || url.protocol === 'https:') window.location.assign(url.href);
    },
  }));
}

/**
 * Calls or assigns `receiver[member]`, but only an own member: nothing inherited (`toString`,
 * `constructor`, `__proto__`, …) is reachable and no new member is created.
 * @returns {boolean} whether the member exists
 */
function invokeMember(receiver, member, body, info) {
  if (FORBIDDEN_MEMBERS.has(member) || !Object.hasOwn(receiver, member)) return false;
  if (typeof receiver[member] === 'function') receiver[member](body, info);
  else receiver[member] = body;
  return true;
}

function normalizeChannels(channels) {
  const list = typeof channels === 'string' ? channels.split(',') : (channels ?? []);
  return [...new Set(list.map((c) => c.trim()).filter(Boolean))];
}

/**
 * @typedef {object} ServerEventsOptions
 * @property {Record<string, Function>} [handlers] `cmd` handlers by name, called as
 *   `handler.call(element, message, eventInfo)`
 * @property {Record<string, object>} [receivers] named receivers (`document` is built in); only
 *   their own members are reachable; the real `document` or `window` is replaced by its safe receiver
 * @property {Iterable<string>} [cssProperties] what a remote `css.<property>` may set; defaults to
 *   {@link DEFAULT_CSS_PROPERTIES}
 * @property {(info: EventInfo) => void} [onMessage] sees every non-system message after routing
 * @property {(error: unknown, info?: EventInfo) => void} [onError] defaults to `console.error`
 * @property {(info: { attempt: number, delayMs: number, error: unknown }) => void} [onReconnect]
 *   called when a reconnect is scheduled
 * @property {() => (string|null|undefined|Promise<string|null|undefined>)} [accessTokenFactory]
 *   gives a bearer token; called before each (re)connect and each request. `EventSource` cannot
 *   send headers, so the stream carries it as `access_token` on its URL; the other requests send
 *   `Authorization: Bearer`. Empty sends none.
 * @property {number} [reconnectBaseDelayMs=500]
 * @property {number} [reconnectMaxDelayMs=30000]
 * @property {typeof EventSource} [EventSource]
 * @property {typeof fetch} [fetch]
 * @property {Document} [document]
 * @property {Window} [window]
 * @property {Navigator} [navigator]
 * @property {typeof setTimeout} [setTimeout]
 * @property {typeof clearTimeout} [clearTimeout]
 * @property {typeof setInterval} [setInterval]
 * @property {typeof clearInterval} [clearInterval]
 * @property {() => number} [random] defaults to `Math.random`
 */

/** A Server Events subscription that routes events to handlers, CSS, DOM events and receivers. */
export class ServerEventsClient {
  #baseUrl;
  #channels;
  #env;
  #handlers;
  #receivers;
  #cssProperties;
  #onMessage;
  #onError;
  #onReconnect;
  #accessTokenFactory;
  #connecting = null;
  #backoff;
  #eventSource = null;
  #connectionInfo = null;
  #lastEventId = null;
  #epoch = null;
  #heartbeatTimer = null;
  #reconnectTimer = null;
  #attempt = 0;
  #beaconUrl = null;

  /**
   * @param {string} baseUrl where the event endpoints live, e.g. `''` for same origin
   * @param {string[]|string} [channels] channel names, or a comma-joined list
   * @param {ServerEventsOptions} [options]
   */
  constructor(baseUrl, channels, options = {}) {
    this.#baseUrl = String(baseUrl ?? '').replace(/\/+$/, '');
    this.#channels = normalizeChannels(channels);
    this.#env = {
      EventSource: options.EventSource ?? globalThis.EventSource,
      document: options.document ?? globalThis.document,
      window: options.window ?? globalThis.window,
      navigator: options.navigator ?? globalThis.navigator,
    };
    for (const name of GLOBAL_FUNCTIONS) this.#env[name] = (options[name] ?? globalThis[name])?.bind(globalThis);
    this.#handlers = new Map(Object.entries(options.handlers ?? {}));
    // `window` is deliberately not built in: a remote `window.location` must not redirect
    // unless the page itself opted in with addReceiver('window', window).
    this.#receivers = new Map();
    this.addReceiver('document', this.#env.document);
    for (const [name, receiver] of Object.entries(options.receivers ?? {})) this.addReceiver(name, receiver);
    this.#cssProperties = new Set([...(options.cssProperties ?? DEFAULT_CSS_PROPERTIES)].map(cssPropertyName));
    this.#onMessage = options.onMessage;
    this.#onError = options.onError ?? ((error) => console.error(error));
    this.#onReconnect = options.onReconnect;
    this.#accessTokenFactory = options.accessTokenFactory;
    this.#backoff = {
      baseDelayMs: options.reconnectBaseDelayMs ?? 500,
      maxDelayMs: options.reconnectMaxDelayMs ?? 30000,
      random: options.random ?? Math.random,
    };
  }

  /** The `cmd.onConnect` message of the live subscription, or null while disconnected. */
  get connectionInfo() {
    return this.#connectionInfo;
  }

  /** The channels this client subscribes to (a copy). */
  get channels() {
    return [...this.#channels];
  }

  /** The id of the last event received, sent back on reconnect to resume the stream. */
  get lastEventId() {
    return this.#lastEventId;
  }

  /**
   * The epoch of the log that issued {@link lastEventId} (from `cmd.onConnect`), sent back with it on
   * reconnect so the server can tell a cursor from another log (e.g. before a restart); null when the
   * server sent none.
   */
  get epoch() {
    return this.#epoch;
  }

  /**
   * Opens the stream; does nothing when already running.
   * @returns {this}
   */
  start() {
    if (this.#eventSource || this.#connecting || this.#reconnectTimer !== null) return this;
    this.#env.window?.addEventListener('pagehide', this.#sendUnregisterBeacon);
    this.#env.window?.addEventListener('beforeunload', this.#sendUnregisterBeacon);
    this.#connect();
    return this;
  }

  /**
   * Closes the stream for good: no reconnect happens afterwards. Failures to
   * unregister go to `onError`.
   * @returns {Promise<void>} settles once the server was asked to unregister
   */
  async stop() {
    const url = this.#connectionInfo?.unRegisterUrl;
    this.#env.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#connecting = null;
    this.#disconnect();
    this.#env.window?.removeEventListener('pagehide', this.#sendUnregisterBeacon);
    this.#env.window?.removeEventListener('beforeunload', this.#sendUnregisterBeacon);
    if (!url) return;
    try {
      await this.#fetchOk(url, { method: 'POST' });
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Adds channels to the live subscription; later reconnects ask for them too.
   * While disconnected only the local list changes, which the next connection uses.
   * @param {...string} channels
   * @returns {Promise<void>} rejects when the server refuses
   */
  async subscribeToChannels(...channels) {
    await this.#updateSubscriber({ subscribeChannels: channels });
    this.#channels = normalizeChannels([...this.#channels, ...channels]);
  }

  /**
   * Removes channels from the live subscription; later reconnects leave them out.
   * @param {...string} channels
   * @returns {Promise<void>} rejects when the server refuses
   */
  async unsubscribeFromChannels(...channels) {
    await this.#updateSubscriber({ unsubscribeChannels: channels });
    this.#channels = this.#channels.filter((c) => !channels.includes(c));
  }

  /**
   * Public info of every subscription in this client's channels.
   * @returns {Promise<object[]>}
   */
  async getChannelSubscribers() {
    const response = await this.#fetchOk(`${this.#baseUrl}/event-subscribers?${this.#channelsQuery()}`);
    return response.json();
  }

  /**
   * Routes `name.member` events to the receiver's own members. Only the page's own code can call
   * this: no server event adds a receiver. The real `document` and `window` are replaced by their
   * safe receivers ({@link createDocumentReceiver}, {@link createWindowReceiver}); add `window` only
   * when the person using the page asked to be redirected by others.
   * @param {string} name
   * @param {object} receiver
   * @returns {this}
   */
  addReceiver(name, receiver) {
    if (receiver === null || typeof receiver !== 'object') throw new TypeError(`Receiver '${name}' must be an object.`);
    const { document, window } = this.#env;
    const safe = receiver === document ? createDocumentReceiver(document) : receiver === window ? createWindowReceiver(window) : receiver;
    this.#receivers.set(name, safe);
    return this;
  }

  /**
   * @param {string} name
   * @returns {this}
   */
  removeReceiver(name) {
    this.#receivers.delete(name);
    return this;
  }

  /**
   * Adds or replaces the handler of `cmd.<name>` events.
   * @param {string} name
   * @param {(this: Element, message: any, info: EventInfo) => void} handler
   * @returns {this}
   */
  registerHandler(name, handler) {
    this.#handlers.set(name, handler);
    return this;
  }

  #connect() {
    this.#reconnectTimer = null;
    if (!this.#accessTokenFactory) {
      this.#open(null);
      return;
    }
    // A fresh token for every connection, so one that expired meanwhile is replaced on reconnect.
    // Only the latest attempt may open a stream: stop() (or a newer attempt) drops this one.
    const attempt = {};
    this.#connecting = attempt;
    this.#accessToken().then(
      (token) => {
        if (this.#connecting !== attempt) return;
        this.#connecting = null;
        this.#open(token);
      },
      (error) => {
        if (this.#connecting !== attempt) return;
        this.#connecting = null;
        this.#schedule(error);
      },
    );
  }

  #open(token) {
    const es = new this.#env.EventSource(this.#streamUrl(token));
    es.addEventListener('message', (event) => this.#receive(es, event));
    // Native EventSource retries on its own, without the resume cursor on the URL; closing it
    // on any error keeps reconnects (and their back-off) under this client's control.
    es.addEventListener('error', (event) => this.#reconnect(es, new Error('Event stream failed', { cause: event })));
    this.#eventSource = es;
  }

  #streamUrl(token) {
    // A new EventSource cannot send Last-Event-ID or Authorization, so the resume cursor (with the
    // epoch of the log that issued it) and the token travel on the URL (which servers and proxies
    // may log: keep such tokens short-lived).
    let resume = '';
    if (this.#lastEventId) {
      resume = `&lastEventId=${encodeURIComponent(this.#lastEventId)}`;
      if (this.#epoch) resume += `&epoch=${encodeURIComponent(this.#epoch)}`;
    }
    const auth = token ? `&access_token=${encodeURIComponent(token)}` : '';
    return `${this.#baseUrl}/event-stream?${this.#channelsQuery()}&t=${Date.now()}${resume}${auth}`;
  }

  async #accessToken() {
    return (await this.#accessTokenFactory?.()) || null;
  }

  #channelsQuery() {
    return `channels=${this.#channels.map(encodeURIComponent).join(',')}`;
  }

  #disconnect() {
    this.#eventSource?.close();
    this.#eventSource = null;
    this.#connectionInfo = null;
    this.#env.clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
  }

  // Only the current stream may trigger a reconnect: a late heartbeat failure or error
  // from a stream already replaced (or stopped) must not tear down its successor.
  #reconnect(es, error) {
    if (es !== this.#eventSource) return;
    this.#disconnect();
    this.#schedule(error);
  }

  #schedule(error) {
    const attempt = this.#attempt++;
    const delayMs = backoffDelay(attempt, this.#backoff);
    this.#reconnectTimer = this.#env.setTimeout(() => this.#connect(), delayMs);
    this.#guard(() => this.#onReconnect?.({ attempt, delayMs, error }));
  }

  #receive(es, event) {
    if (event.lastEventId) this.#lastEventId = event.lastEventId;
    let info;
    try {
      info = { ...parseEventData(event.data), id: event.lastEventId, eventSource: es };
    } catch (error) {
      this.#report(error);
      return;
    }
    this.#guard(() => this.#route(es, info), info);
    if (!isSystemCommand(info)) this.#guard(() => this.#onMessage?.(info), info);
  }

  #route(es, info) {
    const { op, target, cssSelector, body } = info;
    const document = this.#env.document;
    if (op === 'cmd') {
      if (target === 'onConnect') {
        // The server opens every stream with its cmd.onConnect; a later one was relayed by someone
        // (it would point the heartbeat and unregister requests at URLs of their choosing).
        if (this.#connectionInfo !== null) return;
        this.#connected(es, body);
      }
      const element = (cssSelector && document.querySelector(cssSelector)) || document.body;
      this.#handlers.get(target)?.call(element, body, info);
    } else if (op === 'css') {
      const property = cssPropertyName(target);
      if (!this.#cssProperties.has(property) || (typeof body !== 'string' && typeof body !== 'number')) return;
      for (const element of this.#select(cssSelector, document.body)) element.style.setProperty(property, String(body));
    } else if (op === 'trigger') {
      const CustomEvent = this.#env.window?.CustomEvent ?? globalThis.CustomEvent;
      for (const element of this.#select(cssSelector, document)) {
        element.dispatchEvent(new CustomEvent(TRIGGER_EVENT_PREFIX + target, { detail: body, bubbles: true }));
      }
    } else {
      const receiver = this.#receivers.get(op);
      if (receiver) invokeMember(receiver, target, body, info);
    }
  }

  #select(cssSelector, fallback) {
    return cssSelector ? this.#env.document.querySelectorAll(cssSelector) : [fallback];
  }

  #connected(es, info) {
    this.#connectionInfo = info;
    // The ids that follow come from this epoch's log; a server without epochs (ServiceStack) sends none.
    this.#epoch = typeof info?.epoch === 'string' && info.epoch ? info.epoch : null;
    this.#attempt = 0;
    this.#env.clearInterval(this.#heartbeatTimer);
    if (!info.heartbeatUrl) return;
    const intervalMs = Number(info.heartbeatIntervalMs) || DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.#heartbeatTimer = this.#env.setInterval(() => this.#heartbeat(es, info.heartbeatUrl), intervalMs);
  }

  async #heartbeat(es, url) {
    try {
      await this.#fetchOk(url, { method: 'POST' });
    } catch (error) {
      // A 404 means the server already expired this subscription: only a new one helps.
      this.#reconnect(es, error);
    }
  }

  async #updateSubscriber(body) {
    const url = this.#connectionInfo?.updateSubscriberUrl;
    if (!url) return;
    await this.#fetchOk(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async #fetchOk(url, init = {}) {
    // Without a factory fetch starts at once, as before; with one, after the token arrives.
    const token = this.#accessTokenFactory ? await this.#accessToken() : null;
    const request = token ? { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } } : init;
    const response = await this.#env.fetch(url, request);
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} failed: HTTP ${response.status}`);
    return response;
  }

  // Arrow function: the same reference must be passed to add- and removeEventListener.
  #sendUnregisterBeacon = () => {
    const url = this.#connectionInfo?.unRegisterUrl;
    // pagehide and beforeunload both fire on one unload; unregister each subscription once.
    if (!url || url === this.#beaconUrl) return;
    this.#beaconUrl = url;
    const navigator = this.#env.navigator;
    // A beacon cannot carry a token: with one, a keepalive fetch sends it instead.
    if (!this.#accessTokenFactory && typeof navigator?.sendBeacon === 'function') navigator.sendBeacon(url);
    else this.#fetchOk(url, { method: 'POST', keepalive: true }).catch((error) => this.#report(error));
  };

  #guard(action, info) {
    try {
      action();
    } catch (error) {
      this.#report(error, info);
    }
  }

  #report(error, info) {
    try {
      this.#onError(error, info);
    } catch {
      // An onError that throws has nowhere left to report to.
    }
  }
}
