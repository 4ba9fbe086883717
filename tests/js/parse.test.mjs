import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isSystemCommand, parseEventData } from '../../src/ServerEvents/Client/server-events.js';

test('splits data on the first space only, so the JSON may contain spaces', () => {
  const info = parseEventData('cmd.chat {"message":"hello there"}');
  assert.deepEqual(info, {
    selector: 'cmd.chat',
    channel: null,
    op: 'cmd',
    target: 'chat',
    cssSelector: null,
    body: { message: 'hello there' },
    json: '{"message":"hello there"}',
  });
});

test('channel prefix is split on the first @', () => {
  const info = parseEventData('home@cmd.onJoin {"userId":"-1"}');
  assert.equal(info.selector, 'home@cmd.onJoin');
  assert.equal(info.channel, 'home');
  assert.equal(info.op, 'cmd');
  assert.equal(info.target, 'onJoin');
});

test('target splits on the first . and $, decoding every %20', () => {
  const info = parseEventData('css.background-color$#top%20p.msg%20b "red"');
  assert.equal(info.op, 'css');
  assert.equal(info.target, 'background-color');
  assert.equal(info.cssSelector, '#top p.msg b');
});

test('an empty message after the space is null', () => {
  const info = parseEventData('cmd.toggle$#channels ');
  assert.equal(info.body, null);
  assert.equal(info.json, '');
  assert.equal(info.cssSelector, '#channels');
});

test('a message that is not JSON is passed as the raw string', () => {
  assert.equal(parseEventData('cmd.announce not json').body, 'not json');
});

test('a selector without a dot is rejected', () => {
  assert.throws(() => parseEventData('nodot {}'), /Invalid selector/);
});

test('system commands are the bookkeeping cmd targets only', () => {
  for (const name of ['onConnect', 'onJoin', 'onLeave', 'onUpdate', 'onHeartbeat', 'onReplayGap']) {
    assert.ok(isSystemCommand(parseEventData(`home@cmd.${name} {}`)), name);
  }
  assert.ok(!isSystemCommand(parseEventData('cmd.chat {}')));
  assert.ok(!isSystemCommand(parseEventData('tv.onConnect {}')));
});

test('back-off doubles per attempt, is capped, and scales by random()', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 30000, random: () => 1 };
  assert.deepEqual([0, 1, 2, 3, 6, 7, 20].map((a) => backoffDelay(a, options)), [500, 1000, 2000, 4000, 30000, 30000, 30000]);
  assert.equal(backoffDelay(3, { ...options, random: () => 0.25 }), 1000);
});
