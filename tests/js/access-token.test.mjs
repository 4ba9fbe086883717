import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectInfo, createHarness, flush, query } from './fakes.mjs';

/** A token factory that hands out token-1, token-2, ... and counts its calls. */
function tokens() {
  const factory = () => `token-${++factory.calls}`;
  factory.calls = 0;
  return factory;
}

test('the stream carries the token as access_token, and a reconnect asks for a new one', async () => {
  const accessTokenFactory = tokens();
  const h = createHarness({ accessTokenFactory });
  await flush();
  assert.equal(h.EventSource.instances.length, 1);
  assert.equal(query(h.es.url).access_token, 'token-1');

  h.connect('sub1');
  h.send('home@cmd.chat "a"', '7');
  h.es.emitError(2);
  h.clock.advance(500);
  await flush();

  assert.equal(h.EventSource.instances.length, 2);
  const url = query(h.es.url);
  assert.equal(url.lastEventId, '7');
  assert.notEqual(url.access_token, 'token-1', 'the reconnect does not reuse the first token');
  assert.match(url.access_token, /^token-\d+$/);
});

test('side requests send Authorization: Bearer with the current token, never the token in the URL', async () => {
  const h = createHarness({ accessTokenFactory: tokens() });
  await flush();
  h.connect('sub1', 1000);
  h.clock.advance(1000);
  await flush();
  await h.client.subscribeToChannels('work');

  const heartbeat = h.fetch.calls.find((c) => c.url === connectInfo('sub1').heartbeatUrl);
  const update = h.fetch.calls.find((c) => c.url === connectInfo('sub1').updateSubscriberUrl);
  assert.match(heartbeat.init.headers.Authorization, /^Bearer token-\d+$/);
  assert.match(update.init.headers.Authorization, /^Bearer token-\d+$/);
  assert.equal(update.init.headers['Content-Type'], 'application/json', 'the request keeps its own headers');
  assert.ok(h.fetch.calls.every((c) => !c.url.includes('access_token')));
});

test('with a token, unregistering on page hide is a keepalive fetch with the header, not a beacon', async () => {
  const h = createHarness({ accessTokenFactory: tokens() });
  await flush();
  h.connect('sub1');
  h.window.fire('pagehide');
  await flush();

  assert.deepEqual(h.navigator.beacons, []);
  const unregister = h.fetch.calls.find((c) => c.url === connectInfo('sub1').unRegisterUrl);
  assert.equal(unregister.init.keepalive, true);
  assert.match(unregister.init.headers.Authorization, /^Bearer token-\d+$/);
});

test('a factory that fails schedules a reconnect with back-off instead of opening a stream', async () => {
  let fail = true;
  const h = createHarness({
    accessTokenFactory: async () => {
      if (fail) throw new Error('token endpoint down');
      return 'fresh';
    },
  });
  await flush();
  assert.equal(h.EventSource.instances.length, 0);
  assert.deepEqual(h.clock.pendingTimeouts(), [500]);

  fail = false;
  h.clock.advance(500);
  await flush();
  assert.equal(h.EventSource.instances.length, 1);
  assert.equal(query(h.es.url).access_token, 'fresh');
});

test('stop while the token is on its way opens no stream', async () => {
  let release;
  const h = createHarness({ accessTokenFactory: () => new Promise((resolve) => { release = resolve; }) });
  await h.client.stop();
  release('late');
  await flush();
  assert.equal(h.EventSource.instances.length, 0);
});

test('without a factory nothing changes: no access_token, no Authorization header', async () => {
  const h = createHarness();
  h.connect('sub1', 1000);
  h.clock.advance(1000);
  await flush();
  assert.equal(query(h.es.url).access_token, undefined);
  const heartbeat = h.fetch.calls.find((c) => c.url === connectInfo('sub1').heartbeatUrl);
  assert.equal(heartbeat.init.headers, undefined);
});
