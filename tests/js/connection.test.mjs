import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, connectInfo, createHarness, flush, query } from './fakes.mjs';

const heartbeatsTo = (h, id) => h.fetch.calls.filter((c) => c.url === connectInfo(id).heartbeatUrl);
const fail404 = (url) => (url.includes('event-heartbeat') ? { status: 404 } : undefined);

test('start opens the stream with the channels and a timestamp, no resume cursor yet', () => {
  const h = createHarness({ channels: ['home', 'work'] });
  assert.equal(h.EventSource.instances.length, 1);
  const url = new URL(h.es.url);
  assert.equal(`${url.origin}${url.pathname}`, `${BASE_URL}/event-stream`);
  assert.equal(query(h.es.url).channels, 'home,work');
  assert.match(query(h.es.url).t, /^\d+$/);
  assert.equal(query(h.es.url).lastEventId, undefined);
});

test('start is idempotent while running', () => {
  const h = createHarness();
  h.client.start();
  assert.equal(h.EventSource.instances.length, 1);
});

test('onConnect stores connectionInfo and heartbeats at heartbeatIntervalMs', async () => {
  const h = createHarness();
  h.connect('sub1', 1000);
  assert.deepEqual(h.client.connectionInfo, connectInfo('sub1', 1000));

  h.clock.advance(999);
  assert.equal(heartbeatsTo(h, 'sub1').length, 0);
  h.clock.advance(1);
  h.clock.advance(2000);
  await flush();
  const beats = heartbeatsTo(h, 'sub1');
  assert.equal(beats.length, 3);
  assert.ok(beats.every((c) => c.init.method === 'POST'));
  assert.equal(h.EventSource.instances.length, 1, 'successful heartbeats do not reconnect');
});

test('heartbeat 404 reconnects with a new stream resuming from the last event id', async () => {
  const h = createHarness({ channels: ['home', 'work'] });
  h.connect('sub1');
  h.send('home@cmd.chat "a"', '41');
  h.send('home@cmd.chat "b"', '42');
  const first = h.es;
  h.respond = fail404;

  h.clock.advance(1000);
  await flush();
  assert.equal(first.readyState, 2, 'old stream closed');
  assert.equal(h.client.connectionInfo, null);
  assert.deepEqual(h.clock.pendingTimeouts(), [500]);

  h.clock.advance(500);
  assert.equal(h.EventSource.instances.length, 2);
  assert.equal(query(h.es.url).lastEventId, '42');
  assert.equal(query(h.es.url).channels, 'home,work');
  assert.equal(heartbeatsTo(h, 'sub1').length, 1, 'old heartbeat loop stopped');

  h.respond = () => undefined;
  h.connect('sub2');
  assert.equal(h.client.connectionInfo.id, 'sub2');
  h.clock.advance(1000);
  await flush();
  assert.equal(heartbeatsTo(h, 'sub2').length, 1);
  assert.equal(heartbeatsTo(h, 'sub1').length, 1);
});

test('heartbeat network error reconnects', async () => {
  const h = createHarness();
  h.connect();
  h.respond = () => {
    throw new TypeError('Failed to fetch');
  };
  h.clock.advance(1000);
  await flush();
  h.clock.advance(500);
  assert.equal(h.EventSource.instances.length, 2);
});

test('stream error with readyState CLOSED reconnects', () => {
  const h = createHarness();
  h.connect();
  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(h.EventSource.instances.length, 2);
});

test('stream error while the browser would retry (CONNECTING) is closed and retried by the client', () => {
  const h = createHarness();
  const first = h.es;
  first.emitError(0);
  assert.equal(first.readyState, 2, 'native auto-reconnect is cancelled');
  h.clock.advance(500);
  assert.equal(h.EventSource.instances.length, 2);
});

test('back-off grows exponentially, is jittered by random(), and resets after onConnect', () => {
  const h = createHarness({ random: () => 0.5 });
  const delays = [];
  for (let i = 0; i < 8; i++) {
    h.es.emitError(2);
    [delays[i]] = h.clock.pendingTimeouts();
    h.clock.advance(delays[i]);
  }
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);

  h.connect();
  h.es.emitError(2);
  assert.deepEqual(h.clock.pendingTimeouts(), [250]);
});

test('onReconnect is told the attempt, delay and cause', () => {
  const calls = [];
  const h = createHarness({ onReconnect: (info) => calls.push(info) });
  h.es.emitError(2);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].attempt, 0);
  assert.equal(calls[0].delayMs, 500);
  assert.match(calls[0].error.message, /Event stream failed/);
});

test('a late heartbeat failure from a replaced stream does not reconnect its successor', async () => {
  let failOld;
  const h = createHarness();
  h.connect('sub1');
  h.respond = (url) => (url === connectInfo('sub1').heartbeatUrl ? new Promise((r) => (failOld = r)) : undefined);
  h.clock.advance(1000);
  h.es.emitError(2);
  h.clock.advance(500);
  h.connect('sub2');

  failOld({ status: 404 });
  await flush();
  assert.equal(h.EventSource.instances.length, 2);
  assert.equal(h.es.readyState, 0);
  assert.equal(h.client.connectionInfo.id, 'sub2');
});

test('pagehide sends the unregister beacon once per subscription', () => {
  const h = createHarness();
  h.window.fire('pagehide');
  assert.deepEqual(h.navigator.beacons, [], 'nothing to unregister before onConnect');
  h.connect('sub1');
  h.window.fire('pagehide');
  h.window.fire('beforeunload');
  assert.deepEqual(h.navigator.beacons, [connectInfo('sub1').unRegisterUrl]);
});

test('without sendBeacon the unregister URL is POSTed with keepalive', () => {
  const h = createHarness({ navigator: {} });
  h.connect('sub1');
  h.window.fire('beforeunload');
  assert.deepEqual(h.fetch.calls, [{ url: connectInfo('sub1').unRegisterUrl, init: { method: 'POST', keepalive: true } }]);
});

test('stop closes the stream, unregisters, and nothing reconnects afterwards', async () => {
  const h = createHarness();
  h.connect('sub1');
  const es = h.es;
  await h.client.stop();

  assert.equal(es.readyState, 2);
  assert.deepEqual(h.fetch.calls, [{ url: connectInfo('sub1').unRegisterUrl, init: { method: 'POST' } }]);
  es.emitError(2);
  h.clock.advance(60000);
  await flush();
  assert.equal(h.EventSource.instances.length, 1);
  assert.equal(h.fetch.calls.length, 1, 'no heartbeats after stop');
  for (const type of ['pagehide', 'beforeunload']) assert.deepEqual(h.window.listeners.get(type), [], `${type} listener removed`);
});

test('stop during back-off cancels the pending reconnect', async () => {
  const h = createHarness();
  h.es.emitError(2);
  await h.client.stop();
  h.clock.advance(60000);
  assert.equal(h.EventSource.instances.length, 1);
  assert.equal(h.fetch.calls.length, 0, 'nothing to unregister without a subscription');
});

test('stop reports a failed unregister through onError', async () => {
  const h = createHarness();
  h.connect('sub1');
  h.respond = () => ({ status: 404 });
  await h.client.stop();
  assert.match(h.errors[0].error.message, /HTTP 404/);
});

test('the epoch from onConnect is sent back with the resume cursor, and a new stream\'s epoch replaces it', () => {
  const h = createHarness();
  h.send(`cmd.onConnect ${JSON.stringify({ ...connectInfo('sub1'), epoch: 'run-1' })}`, '40');
  h.send('home@cmd.chat "a"', '41');
  assert.equal(h.client.epoch, 'run-1');

  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(query(h.es.url).lastEventId, '41');
  assert.equal(query(h.es.url).epoch, 'run-1');

  // The server restarted: its log has another epoch, and the ids that follow belong to it.
  h.send(`cmd.onConnect ${JSON.stringify({ ...connectInfo('sub2'), epoch: 'run-2' })}`, '7');
  h.send('cmd.onReplayGap {"lastEventId":41,"oldestAvailableId":null}', '7');
  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(query(h.es.url).lastEventId, '7');
  assert.equal(query(h.es.url).epoch, 'run-2');
});

test('a server that sends no epoch (ServiceStack) gets the cursor alone', () => {
  const h = createHarness();
  h.send(`cmd.onConnect ${JSON.stringify({ ...connectInfo('sub1'), epoch: 'run-1' })}`, '40');
  h.es.emitError(2);
  h.clock.advance(500);
  h.connect('sub2');
  h.send('home@cmd.chat "a"', '41');
  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(h.client.epoch, null);
  assert.equal(query(h.es.url).lastEventId, '41');
  assert.equal(query(h.es.url).epoch, undefined);
});
