// Minimal stand-ins for the browser APIs the client touches, plus a harness wiring them up.
import { ServerEventsClient } from '../../src/ServerEvents/Client/server-events.js';

/** Manual clock: timers only run inside advance(), so no test sleeps. */
export class FakeClock {
  now = 0;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (fn, ms = 0) => this.#add(fn, ms, false);
  setInterval = (fn, ms) => this.#add(fn, ms, true);
  clearTimeout = (id) => this.#timers.delete(id);
  clearInterval = (id) => this.#timers.delete(id);

  #add(fn, ms, repeat) {
    const id = this.#nextId++;
    this.#timers.set(id, { fn, ms, repeat, at: this.now + ms });
    return id;
  }

  /** Delays of the one-shot timers still pending. */
  pendingTimeouts() {
    return [...this.#timers.values()].filter((t) => !t.repeat).map((t) => t.ms);
  }

  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.at;
      if (timer.repeat) timer.at += timer.ms;
      else this.#timers.delete(id);
      timer.fn();
    }
    this.now = end;
  }
}

/** Lets pending promise chains (fetch → reconnect) settle. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

class FakeEventTarget {
  listeners = new Map();
  dispatched = [];

  addEventListener(type, fn) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  removeEventListener(type, fn) {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((f) => f !== fn));
  }

  dispatchEvent(event) {
    this.dispatched.push(event);
    for (const fn of this.listeners.get(event.type) ?? []) fn(event);
    return true;
  }
}

/** Each call gives a fresh class whose `instances` lists every stream opened, oldest first. */
export function fakeEventSourceClass() {
  return class FakeEventSource extends FakeEventTarget {
    static instances = [];
    readyState = 0;

    constructor(url) {
      super();
      this.url = url;
      FakeEventSource.instances.push(this);
    }

    close() {
      this.readyState = 2;
    }

    emitMessage(data, lastEventId = '') {
      this.dispatchEvent({ type: 'message', data, lastEventId });
    }

    emitError(readyState) {
      this.readyState = readyState;
      this.dispatchEvent({ type: 'error' });
    }
  };
}

export class FakeStyle {
  properties = new Map();

  setProperty(name, value) {
    this.properties.set(name, value);
  }
}

export class FakeElement extends FakeEventTarget {
  style = new FakeStyle();

  constructor(name) {
    super();
    this.name = name;
  }
}

/** Selectors resolve through a fixed map: `{ '#top': [element, ...] }`. */
export class FakeDocument extends FakeElement {
  body = new FakeElement('body');
  title = '';

  constructor(elements = {}) {
    super('document');
    this.elements = elements;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }

  querySelectorAll(selector) {
    return this.elements[selector] ?? [];
  }
}

export class FakeCustomEvent {
  constructor(type, init) {
    this.type = type;
    this.detail = init.detail;
    this.bubbles = init.bubbles;
  }
}

/** Records where `assign` navigated to. */
export class FakeLocation {
  assigned = [];

  constructor(href) {
    this.href = href;
  }

  assign(url) {
    this.assigned.push(url);
    this.href = url;
  }
}

export class FakeWindow extends FakeEventTarget {
  CustomEvent = FakeCustomEvent;
  location = new FakeLocation('https://chat.test/');

  fire(type) {
    this.dispatchEvent({ type });
  }
}

export class FakeNavigator {
  beacons = [];

  sendBeacon(url) {
    this.beacons.push(url);
    return true;
  }
}

/**
 * fetch that records `{ url, init }` in `fetch.calls` and answers with `respond(url, init)`:
 * `{ status, body }` (default 200 `{}`), or a throw for a network error.
 */
export function fakeFetch(respond) {
  const fetch = async (url, init) => {
    fetch.calls.push({ url, init });
    const { status = 200, body = {} } = (await respond(url, init)) ?? {};
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  fetch.calls = [];
  return fetch;
}

export const BASE_URL = 'https://chat.test';

/** The `cmd.onConnect` message of subscription `id`, as the server sends it. */
export function connectInfo(id, heartbeatIntervalMs = 1000) {
  return {
    id,
    userId: '-1',
    displayName: 'user1',
    channels: 'home',
    unRegisterUrl: `${BASE_URL}/event-unregister?id=${id}`,
    heartbeatUrl: `${BASE_URL}/event-heartbeat?id=${id}`,
    updateSubscriberUrl: `${BASE_URL}/event-subscribers/${id}`,
    heartbeatIntervalMs: String(heartbeatIntervalMs),
    idleTimeoutMs: '30000',
  };
}

/**
 * A started client wired to fresh fakes. `h.respond` decides fetch answers and may be
 * swapped by a test; `h.errors` and `h.messages` collect onError and onMessage calls.
 */
export function createHarness({ channels = ['home'], elements, ...options } = {}) {
  const clock = new FakeClock();
  const h = {
    clock,
    EventSource: fakeEventSourceClass(),
    document: new FakeDocument(elements),
    window: new FakeWindow(),
    navigator: new FakeNavigator(),
    errors: [],
    messages: [],
    respond: () => undefined,
    get es() {
      return h.EventSource.instances.at(-1);
    },
    send(data, id = '') {
      h.es.emitMessage(data, id);
    },
    connect(id = 'sub1', heartbeatIntervalMs) {
      h.send(`cmd.onConnect ${JSON.stringify(connectInfo(id, heartbeatIntervalMs))}`);
    },
  };
  h.fetch = fakeFetch((url, init) => h.respond(url, init));
  h.client = new ServerEventsClient(`${BASE_URL}/`, channels, {
    EventSource: h.EventSource,
    fetch: h.fetch,
    document: h.document,
    window: h.window,
    navigator: h.navigator,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    setInterval: clock.setInterval,
    clearInterval: clock.clearInterval,
    random: () => 1,
    onError: (error, info) => h.errors.push({ error, info }),
    onMessage: (info) => h.messages.push(info),
    ...options,
  }).start();
  return h;
}

/** The query parameters of a URL as a plain object. */
export const query = (url) => Object.fromEntries(new URL(url).searchParams);
