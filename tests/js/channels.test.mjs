import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, connectInfo, createHarness, query } from './fakes.mjs';

const updateUrl = connectInfo('sub1').updateSubscriberUrl;

test('subscribeToChannels posts to updateSubscriberUrl and later reconnects use the new list', async () => {
  const h = createHarness({ channels: ['home'] });
  h.connect('sub1');
  await h.client.subscribeToChannels('work', 'play');

  const [call] = h.fetch.calls;
  assert.equal(call.url, updateUrl);
  assert.equal(call.init.method, 'POST');
  assert.equal(call.init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(call.init.body), { subscribeChannels: ['work', 'play'] });
  assert.deepEqual(h.client.channels, ['home', 'work', 'play']);

  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(query(h.es.url).channels, 'home,work,play');
});

test('unsubscribeFromChannels posts the removal and drops the channels', async () => {
  const h = createHarness({ channels: ['home', 'work'] });
  h.connect('sub1');
  await h.client.unsubscribeFromChannels('work');
  assert.deepEqual(JSON.parse(h.fetch.calls[0].init.body), { unsubscribeChannels: ['work'] });
  assert.deepEqual(h.client.channels, ['home']);

  h.es.emitError(2);
  h.clock.advance(500);
  assert.equal(query(h.es.url).channels, 'home');
});

test('a refused update rejects and keeps the channel list', async () => {
  const h = createHarness({ channels: ['home'] });
  h.connect('sub1');
  h.respond = () => ({ status: 404 });
  await assert.rejects(h.client.subscribeToChannels('work'), /HTTP 404/);
  assert.deepEqual(h.client.channels, ['home']);
});

test('while disconnected, channel changes only apply to the next connection', async () => {
  const h = createHarness({ channels: ['home'] });
  h.es.emitError(2);
  await h.client.subscribeToChannels('work');
  assert.equal(h.fetch.calls.length, 0);
  h.clock.advance(500);
  assert.equal(query(h.es.url).channels, 'home,work');
});

test('getChannelSubscribers GETs event-subscribers for the current channels', async () => {
  const subscribers = [{ userId: '-1', displayName: 'user1' }];
  const h = createHarness({ channels: ['home', 'work'] });
  h.respond = () => ({ body: subscribers });
  assert.deepEqual(await h.client.getChannelSubscribers(), subscribers);
  assert.equal(h.fetch.calls[0].url, `${BASE_URL}/event-subscribers?channels=home,work`);
});
