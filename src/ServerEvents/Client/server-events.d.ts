/** Type declarations for server-events.js, the browser Server Events client. */

/** A parsed server event: `data` is `[channel@]op.target[$cssSelector] <json>`. */
export interface EventInfo<T = any> {
  /** The full selector, e.g. `home@cmd.chat`. */
  selector: string;
  /** The channel before `@`, or null for messages not sent to a channel. */
  channel: string | null;
  /** `cmd`, `css`, `trigger`, or a receiver name. */
  op: string;
  /** The command, CSS property or receiver member, with `%20` decoded to spaces. */
  target: string;
  /** The part after `$`, or null. */
  cssSelector: string | null;
  /** The parsed message: null when empty, the raw string when it is not JSON. */
  body: T;
  /** The raw message text. */
  json: string;
  /** The event id (`MessageEvent.lastEventId`). */
  id?: string;
  /** The stream that delivered the event. */
  eventSource?: EventSource;
}

/** The `cmd.onConnect` message; every value is a string. */
export interface ConnectionInfo {
  id: string;
  userId: string;
  displayName: string;
  isAuthenticated?: string;
  channels: string;
  createdAt?: string;
  profileUrl?: string;
  unRegisterUrl: string;
  heartbeatUrl: string;
  updateSubscriberUrl: string;
  heartbeatIntervalMs: string;
  idleTimeoutMs: string;
  /** The epoch of the log the stream's ids come from; sent back with the resume cursor. Absent from ServiceStack servers. */
  epoch?: string;
  [key: string]: string | undefined;
}

/** Public info of a subscription, as returned by `/event-subscribers`. */
export interface SubscriberInfo {
  userId: string;
  displayName: string;
  isAuthenticated?: string;
  channels: string;
  createdAt?: string;
  profileUrl?: string;
  [key: string]: unknown;
}

export type CommandHandler<T = any> = (this: Element, message: T, info: EventInfo<T>) => void;

export interface ReconnectInfo {
  /** 0 for the first retry since the last successful connect. */
  attempt: number;
  delayMs: number;
  /** Why the connection was dropped: a stream error or a failed heartbeat. */
  error: unknown;
}

export interface ServerEventsOptions {
  /** `cmd` handlers by name (`onConnect`, `onJoin`, `chat`, ...). */
  handlers?: Record<string, CommandHandler>;
  /**
   * Named receivers; `document` is built in (only `title`), `window` must be added explicitly (only
   * `location`, to http(s) URLs). Only a receiver's own members are reachable, never inherited ones.
   */
  receivers?: Record<string, object>;
  /** What a remote `css.<property>` may set. Default {@link DEFAULT_CSS_PROPERTIES}. */
  cssProperties?: Iterable<string>;
  /** Sees every non-system message after routing. */
  onMessage?: (info: EventInfo) => void;
  /** Handler, receiver and unregister failures. Defaults to `console.error`. */
  onError?: (error: unknown, info?: EventInfo) => void;
  /** Called when a reconnect is scheduled. */
  onReconnect?: (info: ReconnectInfo) => void;
  /**
   * Gives a bearer token; called before each (re)connect and each request. The stream carries it as
   * `access_token` on its URL (EventSource cannot send headers), other requests as `Authorization: Bearer`.
   */
  accessTokenFactory?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Default 500. */
  reconnectBaseDelayMs?: number;
  /** Default 30000. */
  reconnectMaxDelayMs?: number;
  EventSource?: typeof EventSource;
  fetch?: typeof fetch;
  document?: Document;
  window?: Window;
  navigator?: Navigator;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: any) => void;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (id: any) => void;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export class ServerEventsClient {
  /**
   * @param baseUrl where the event endpoints live; `''` for the same origin
   * @param channels channel names, or a comma-joined list
   */
  constructor(baseUrl: string, channels?: string[] | string, options?: ServerEventsOptions);

  /** The `cmd.onConnect` message of the live subscription, or null while disconnected. */
  readonly connectionInfo: ConnectionInfo | null;
  /** The channels this client subscribes to (a copy). */
  readonly channels: string[];
  /** The id of the last event received; reconnects resume from it. */
  readonly lastEventId: string | null;
  /** The epoch of the log that issued `lastEventId` (from `cmd.onConnect`), sent back with it on reconnect; null when the server sent none. */
  readonly epoch: string | null;

  /** Opens the stream; does nothing when already running. */
  start(): this;
  /** Closes the stream for good and unregisters the subscription. */
  stop(): Promise<void>;
  /** Adds channels to the subscription; rejects when the server refuses. */
  subscribeToChannels(...channels: string[]): Promise<void>;
  /** Removes channels from the subscription; rejects when the server refuses. */
  unsubscribeFromChannels(...channels: string[]): Promise<void>;
  /** Public info of every subscription in this client's channels. */
  getChannelSubscribers(): Promise<SubscriberInfo[]>;
  /**
   * Routes `name.member` events to the receiver's own members. The real `document` and `window` are
   * replaced by {@link createDocumentReceiver} and {@link createWindowReceiver}.
   */
  addReceiver(name: string, receiver: object): this;
  removeReceiver(name: string): this;
  registerHandler<T = any>(name: string, handler: CommandHandler<T>): this;
}

/** Parses the `data` of a server event; throws when the selector has no `.`. */
export function parseEventData(data: string): Omit<EventInfo, 'id' | 'eventSource'>;

/** True for `cmd.onConnect|onJoin|onLeave|onUpdate|onHeartbeat|onReplayGap`. */
export function isSystemCommand(info: Pick<EventInfo, 'op' | 'target'>): boolean;

/** `random() * min(maxDelayMs, baseDelayMs * 2 ** attempt)`. */
export function backoffDelay(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number;

/** `trigger.<name>` raises the DOM event `server-events:<name>`, never `click`, `submit` and the like. */
export const TRIGGER_EVENT_PREFIX: 'server-events:';

/** Colours, backgrounds and font faces: what remote `css.*` may set by default. */
export const DEFAULT_CSS_PROPERTIES: readonly string[];

/** `backgroundColor` and `background-color` both give `background-color`. */
export function cssPropertyName(property: string): string;

/** The built-in `document` receiver: `title` only. */
export function createDocumentReceiver(document: Document): { title(message: unknown): void };

/** The `window` receiver: `location` only, and only to http(s) URLs. */
export function createWindowReceiver(window: Window): { location(message: unknown): void };
