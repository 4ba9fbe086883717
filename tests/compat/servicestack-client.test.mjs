// ServiceStack's own TypeScript ServerEventsClient (npm @servicestack/client), unchanged, against this server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import EventSource from 'eventsource';
import { ServerEventsClient } from '@servicestack/client';
import { startApi } from './api-server.mjs';

globalThis.EventSource = EventSource;

let api;
before(async () => {
  api = await startApi({
    ServerEvents__HeartbeatInterval: '00:00:00.300',
    ServerEvents__IdleTimeout: '00:00:05',
  });
});
after(async () => {
  await api?.stop();
});

/** A promise and its resolver, so tests await the events they expect instead of sleeping. */
function signal(timeoutMs = 10_000) {
  let resolve;
  const promise = new Promise((res, rej) => {
    resolve = res;
    setTimeout(() => rej(new Error('timed out waiting for an event')), timeoutMs).unref();
  });
  return { promise, resolve };
}

function connect(channels, handlers = {}) {
  const connected = signal();
  const client = new ServerEventsClient(api.baseUrl, channels, {
    handlers: {
      ...handlers,
      onConnect: (info) => {
        handlers.onConnect?.(info);
        connected.resolve(info);
      },
    },
    onException: () => {},
  });
  client.start();
  return { client, connected: connected.promise };
}

test('connects, sees joins, updates and leaves, heartbeats, lists and updates subscribers', async () => {
  const joins = [];
  const joined = signal();
  const updated = signal();
  const left = signal();
  const heartbeat = signal();
  // Captured in onConnect itself: the watcher's own join arrives right after it, before any await resumes.
  let watcherInfo = null;
  const watcher = connect(['home'], {
    onConnect: (info) => { watcherInfo = info; },
    onJoin: (msg) => { joins.push(msg); if (msg.userId !== watcherInfo?.userId) joined.resolve(msg); },
    onUpdate: (msg) => updated.resolve(msg),
    onLeave: (msg) => left.resolve(msg),
    onHeartbeat: (msg) => heartbeat.resolve(msg),
  });
  await watcher.connected;
  assert.match(watcherInfo.id, /^[A-Za-z0-9_-]{20,}$/);
  assert.equal(watcherInfo.heartbeatUrl, `${api.baseUrl}/event-heartbeat?id=${watcherInfo.id}`);
  assert.equal(watcher.client.getSubscriptionId(), watcherInfo.id);

  const other = connect(['home']);
  const otherInfo = await other.connected;
  const join = await joined.promise;
  assert.equal(join.userId, otherInfo.userId);
  assert.equal(join.channel, 'home');

  // The TS client posts to /api/UpdateEventSubscriber with the id in the body.
  await other.client.subscribeToChannels('work');
  const update = await updated.promise;
  assert.equal(update.channels, 'home,work');
  assert.deepEqual(other.client.channels, ['home', 'work']);

  // GET /api/GetEventSubscribers?channels=home
  const subscribers = await watcher.client.getChannelSubscribers();
  assert.deepEqual(subscribers.map(s => s.userId).sort(), [watcherInfo.userId, otherInfo.userId].sort());
  assert.deepEqual(subscribers.find(s => s.userId === otherInfo.userId).channels, ['home', 'work']);

  // The client's own heartbeat loop POSTs to heartbeatUrl; the server answers with cmd.onHeartbeat.
  const beat = await heartbeat.promise;
  assert.equal(beat.userId, watcherInfo.userId);

  // stop() closes the stream and POSTs unRegisterUrl: the watcher hears the leave.
  await other.client.stop();
  const leave = await left.promise;
  assert.equal(leave.userId, otherInfo.userId);

  await watcher.client.stop();
  const remaining = await (await fetch(`${api.baseUrl}/event-subscribers`)).json();
  assert.deepEqual(remaining, []);
});
