import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, FakeCustomEvent, FakeElement } from './fakes.mjs';

test('cmd handler without a css selector runs with this = document.body', () => {
  const calls = [];
  const h = createHarness({
    handlers: {
      chat(message, info) {
        calls.push({ self: this, message, info });
      },
    },
  });
  h.send('home@cmd.chat {"message":"hi"}', '7');
  assert.equal(calls.length, 1);
  const { self, message, info } = calls[0];
  assert.equal(self, h.document.body);
  assert.deepEqual(message, { message: 'hi' });
  assert.equal(info.channel, 'home');
  assert.equal(info.op, 'cmd');
  assert.equal(info.target, 'chat');
  assert.equal(info.json, '{"message":"hi"}');
  assert.equal(info.id, '7');
  assert.equal(info.eventSource, h.es);
});

test('cmd handler with a css selector runs with this = the first match, else body', () => {
  const first = new FakeElement('first');
  const selves = [];
  const h = createHarness({
    elements: { '#top p': [first, new FakeElement('second')] },
    handlers: {
      announce() {
        selves.push(this);
      },
    },
  });
  h.send('cmd.announce$#top%20p "hello"');
  h.send('cmd.announce$#missing "hello"');
  assert.deepEqual(selves, [first, h.document.body]);
});

test('a null message reaches the handler as null', () => {
  const channels = new FakeElement('channels');
  const calls = [];
  const h = createHarness({
    elements: { '#channels': [channels] },
    handlers: {
      toggle(message) {
        calls.push({ self: this, message });
      },
    },
  });
  h.send('cmd.toggle$#channels ');
  assert.deepEqual(calls, [{ self: channels, message: null }]);
});

test('%20 in the target becomes a space', () => {
  const received = [];
  const h = createHarness({ receivers: { tv: { 'set title': (m) => received.push(m) } } });
  h.send('tv.set%20title "News"');
  assert.deepEqual(received, ['News']);
});

test('registerHandler adds a handler at run time', () => {
  const h = createHarness();
  const received = [];
  h.client.registerHandler('announce', (message) => received.push(message));
  h.send('cmd.announce "later"');
  assert.deepEqual(received, ['later']);
});

test('css without a selector styles document.body', () => {
  const h = createHarness();
  h.send('css.color "red"');
  assert.equal(h.document.body.style.properties.get('color'), 'red');
});

test('css with a selector styles every match, hyphenated names through setProperty', () => {
  const a = new FakeElement('a');
  const b = new FakeElement('b');
  const h = createHarness({ elements: { '.msg': [a, b] } });
  h.send('css.background-color$.msg "#673ab7"');
  for (const element of [a, b]) assert.equal(element.style.properties.get('background-color'), '#673ab7');
  assert.equal(h.document.body.style.properties.size, 0);
});

test('trigger without a selector dispatches a bubbling, namespaced CustomEvent on document', () => {
  const h = createHarness();
  h.send('trigger.customEvent "arg"');
  assert.equal(h.document.dispatched.length, 1);
  const event = h.document.dispatched[0];
  assert.ok(event instanceof FakeCustomEvent, 'uses the injected window.CustomEvent');
  assert.equal(event.type, 'server-events:customEvent');
  assert.equal(event.detail, 'arg');
  assert.equal(event.bubbles, true);
});

test('trigger with a selector dispatches on the matched element', () => {
  const top = new FakeElement('top');
  const h = createHarness({ elements: { '#top': [top] } });
  const details = [];
  top.addEventListener('server-events:refresh', (e) => details.push(e.detail));
  h.send('trigger.refresh$#top {"n":1}');
  assert.deepEqual(details, [{ n: 1 }]);
  assert.equal(h.document.dispatched.length, 0);
});

test('document is a built-in receiver: document.title is assigned', () => {
  const h = createHarness();
  h.send('document.title "New title"');
  assert.equal(h.document.title, 'New title');
});

test('window is only a receiver after addReceiver, and stops being one after removeReceiver', () => {
  const h = createHarness();
  h.send('window.location "https://evil.test/"');
  assert.deepEqual(h.window.location.assigned, []);

  h.client.addReceiver('window', h.window);
  h.send('window.location "https://example.test/"');
  assert.deepEqual(h.window.location.assigned, ['https://example.test/']);

  h.client.removeReceiver('window');
  h.send('window.location "https://evil.test/"');
  assert.deepEqual(h.window.location.assigned, ['https://example.test/']);
});

test('custom receiver: functions are called with this = receiver, other members assigned', () => {
  const calls = [];
  const tv = {
    volume: 1,
    watch(message, info) {
      calls.push({ self: this, message, target: info.target });
    },
  };
  const h = createHarness({ receivers: { tv } });
  h.send('tv.watch "https://youtu.be/x"');
  h.send('tv.volume 5');
  assert.deepEqual(calls, [{ self: tv, message: 'https://youtu.be/x', target: 'watch' }]);
  assert.equal(tv.volume, 5);
});

test('addReceiver registers a receiver at run time', () => {
  const h = createHarness();
  const player = { state: 'off' };
  h.client.addReceiver('player', player);
  h.send('player.state "on"');
  assert.equal(player.state, 'on');
});

test('unknown receivers are ignored but still reach onMessage', () => {
  const h = createHarness();
  h.send('nobody.there "x"');
  assert.equal(h.errors.length, 0);
  assert.deepEqual(h.messages.map((m) => m.selector), ['nobody.there']);
});

test('onMessage sees chat messages but no system commands', () => {
  const h = createHarness();
  h.connect();
  for (const name of ['onJoin', 'onLeave', 'onUpdate', 'onHeartbeat', 'onReplayGap']) h.send(`home@cmd.${name} {}`);
  h.send('home@cmd.chat {"message":"hi"}');
  h.send('css.color "red"');
  assert.deepEqual(h.messages.map((m) => m.selector), ['home@cmd.chat', 'css.color']);
});

test('system command handlers are still called', () => {
  const seen = [];
  const handlers = Object.fromEntries(
    ['onConnect', 'onJoin', 'onLeave', 'onUpdate', 'onHeartbeat', 'onReplayGap'].map((n) => [n, () => seen.push(n)]),
  );
  const h = createHarness({ handlers });
  h.connect();
  for (const name of ['onJoin', 'onLeave', 'onUpdate', 'onHeartbeat', 'onReplayGap']) h.send(`home@cmd.${name} {}`);
  assert.deepEqual(seen, Object.keys(handlers));
});

test('a throwing handler goes to onError and the client carries on', () => {
  const boom = new Error('boom');
  const received = [];
  const h = createHarness({
    handlers: {
      chat: (message) => {
        if (message === 'bad') throw boom;
        received.push(message);
      },
    },
  });
  h.send('cmd.chat "bad"');
  h.send('cmd.chat "good"');
  assert.equal(h.errors.length, 1);
  assert.equal(h.errors[0].error, boom);
  assert.equal(h.errors[0].info.selector, 'cmd.chat');
  assert.deepEqual(received, ['good']);
  assert.equal(h.messages.length, 2, 'onMessage still sees the message whose handler threw');
});

test('a throwing receiver and a malformed event go to onError', () => {
  const h = createHarness({ receivers: { tv: { watch: () => { throw new Error('no tv'); } } } });
  h.send('tv.watch "x"');
  h.send('garbage');
  assert.deepEqual(h.errors.map((e) => e.error.message), ['no tv', "Invalid selector: 'garbage'"]);
});

test('lastEventId follows the id of every message', () => {
  const h = createHarness();
  assert.equal(h.client.lastEventId, null);
  h.send('cmd.chat "a"', '41');
  h.send('cmd.chat "b"', '42');
  assert.equal(h.client.lastEventId, '42');
});
