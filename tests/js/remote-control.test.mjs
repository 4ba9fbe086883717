// What a remote sender can and cannot reach on a page: receivers, trigger and css (issue 12, attacks 1 and 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, FakeDocument, FakeElement } from './fakes.mjs';
import { cssPropertyName, DEFAULT_CSS_PROPERTIES, TRIGGER_EVENT_PREFIX } from '../../src/ServerEvents/Client/server-events.js';

/** A document whose dangerous members record any use. */
class SpyDocument extends FakeDocument {
  written = [];
  opened = 0;
  cookie = 'ss-id=abc';
  domain = 'chat.test';
  location = 'https://chat.test/';

  write(markup) {
    this.written.push(markup);
  }

  writeln(markup) {
    this.written.push(markup);
  }

  open() {
    this.opened += 1;
  }
}

function harnessWithSpyDocument(options = {}) {
  const document = new SpyDocument();
  return { h: createHarness({ document, ...options }), document };
}

test('the document receiver sets the title and nothing else', () => {
  const { h, document } = harnessWithSpyDocument();
  const body = document.body;
  h.send('document.location "https://evil.test/"');
  h.send('document.write "<meta http-equiv=refresh content=0;url=https://evil.test>"');
  h.send('document.writeln "<form action=https://evil.test>"');
  h.send('document.cookie "a=b"');
  h.send('document.domain "test"');
  h.send('document.open');
  h.send('document.body "x"');
  h.send('document.querySelector "#top"');
  h.send('document.title "New title"');

  assert.equal(document.title, 'New title');
  assert.equal(document.location, 'https://chat.test/');
  assert.deepEqual(document.written, []);
  assert.equal(document.opened, 0);
  assert.equal(document.cookie, 'ss-id=abc');
  assert.equal(document.domain, 'chat.test');
  assert.equal(document.body, body);
  assert.deepEqual(h.errors, []);
});

test('the document title is only ever set to text', () => {
  const { h, document } = harnessWithSpyDocument();
  h.send('document.title 42');
  assert.equal(document.title, '42');
  h.send('document.title {"toString":"x"}');
  h.send('document.title ');
  assert.equal(document.title, '42');
});

test('adding the real document as a receiver adds the safe one instead', () => {
  const { h, document } = harnessWithSpyDocument();
  h.client.addReceiver('page', document);
  h.send('page.write "<h1>pwned</h1>"');
  h.send('page.title "via page"');
  assert.deepEqual(document.written, []);
  assert.equal(document.title, 'via page');
});

test('receivers expose only their own members: nothing inherited, nothing new', () => {
  const calls = [];
  const tv = { volume: 1, watch: (message) => calls.push(message) };
  const h = createHarness({ receivers: { tv } });
  for (const member of ['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__', '__defineGetter__', 'isPrototypeOf']) {
    h.send(`tv.${member} {"polluted":true}`);
  }
  h.send('tv.brandNew "x"');
  h.send('tv.watch "https://youtu.be/x"');
  h.send('tv.volume 3');

  assert.deepEqual(calls, ['https://youtu.be/x']);
  assert.equal(tv.volume, 3);
  assert.equal(Object.getPrototypeOf(tv), Object.prototype);
  assert.equal(Object.hasOwn(tv, 'brandNew'), false);
  assert.equal({}.polluted, undefined);
  assert.equal(typeof tv.toString, 'function');
  assert.deepEqual(h.errors, []);
});

test('an own member called constructor or __proto__ is still out of reach', () => {
  const seen = [];
  const receiver = Object.defineProperty({}, 'constructor', { value: () => seen.push('constructor'), enumerable: true });
  const h = createHarness({ receivers: { r: receiver } });
  h.send('r.constructor "x"');
  assert.deepEqual(seen, []);
});

test('addReceiver refuses something that is not an object', () => {
  const h = createHarness();
  assert.throws(() => h.client.addReceiver('f', 'string'), TypeError);
  assert.throws(() => h.client.addReceiver('f', null), TypeError);
});

test('the window receiver redirects only to http and https URLs', () => {
  const h = createHarness();
  h.client.addReceiver('window', h.window);
  for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<h1>x</h1>', 'vbscript:x', 'file:///etc/passwd', 'blob:https://chat.test/1']) {
    h.send(`window.location ${JSON.stringify(url)}`);
  }
  h.send('window.location {"href":"https://evil.test/"}');
  h.send('window.location ["https://evil.test/"]');
  assert.deepEqual(h.window.location.assigned, []);

  h.send('window.location "/?channels=elsewhere"');
  h.send('window.location "http://example.test/a"');
  assert.deepEqual(h.window.location.assigned, ['https://chat.test/?channels=elsewhere', 'http://example.test/a']);
});

test('the window receiver reaches nothing but location', () => {
  const opened = [];
  const h = createHarness();
  h.window.open = (url) => opened.push(url);
  h.window.name = 'main';
  h.client.addReceiver('window', h.window);
  h.send('window.open "https://evil.test/"');
  h.send('window.name "x"');
  h.send('window.document "x"');
  assert.deepEqual(opened, []);
  assert.equal(h.window.name, 'main');
  assert.equal(h.window.document, undefined);
});

test('no server event adds a receiver: cmd.addReceiver is only a handler the page may or may not have', () => {
  const h = createHarness();
  h.send('cmd.addReceiver "window"');
  h.send('window.location "https://evil.test/"');
  assert.deepEqual(h.window.location.assigned, []);
});

test('trigger never raises click, submit or focus on the page: only namespaced events', () => {
  const signOut = new FakeElement('sign-out');
  const composer = new FakeElement('composer');
  const h = createHarness({ elements: { '#sign-out-button': [signOut], '#composer': [composer] } });
  const acted = [];
  signOut.addEventListener('click', () => acted.push('click'));
  composer.addEventListener('submit', () => acted.push('submit'));
  composer.addEventListener('focus', () => acted.push('focus'));
  h.document.addEventListener('click', () => acted.push('document click'));

  h.send('trigger.click$#sign-out-button "x"');
  h.send('trigger.submit$#composer "x"');
  h.send('trigger.focus$#composer');
  h.send('trigger.click');

  assert.deepEqual(acted, []);
  assert.deepEqual(
    [...signOut.dispatched, ...composer.dispatched, ...h.document.dispatched].map((e) => e.type),
    ['server-events:click', 'server-events:submit', 'server-events:focus', 'server-events:click'],
  );
  assert.equal(TRIGGER_EVENT_PREFIX, 'server-events:');
});

test('remote css sets colours and fonts but nothing that hides, moves or disables an element', () => {
  const composer = new FakeElement('composer');
  const h = createHarness({ elements: { '#composer': [composer] } });
  for (const [property, value] of [
    ['display', 'none'], ['visibility', 'hidden'], ['opacity', '0'], ['pointer-events', 'none'], ['position', 'fixed'],
    ['transform', 'scale(0)'], ['height', '0'], ['z-index', '-1'], ['filter', 'opacity(0)'], ['clip-path', 'inset(50%)'],
    ['pointerEvents', 'none'], ['--accent', 'red'], ['box-shadow', '0 0 0 100vmax #000'],
  ]) {
    h.send(`css.${property}$#composer ${JSON.stringify(value)}`);
  }
  assert.deepEqual([...composer.style.properties], []);

  h.send('css.backgroundColor$#composer "#673ab7"');
  h.send('css.color$#composer "red"');
  h.send('css.color$#composer {"x":1}');
  assert.deepEqual([...composer.style.properties], [['background-color', '#673ab7'], ['color', 'red']]);
});

test('a page may choose which css properties remote senders may set', () => {
  const box = new FakeElement('box');
  const h = createHarness({ elements: { '#box': [box] }, cssProperties: ['--accent', 'opacity'] });
  h.send('css.--accent$#box "#ff0000"');
  h.send('css.opacity$#box 0.5');
  h.send('css.color$#box "red"');
  assert.deepEqual([...box.style.properties], [['--accent', '#ff0000'], ['opacity', '0.5']]);
});

test('css property names are compared in their dashed form', () => {
  assert.equal(cssPropertyName('backgroundColor'), 'background-color');
  assert.equal(cssPropertyName('COLOR'), 'color');
  assert.equal(cssPropertyName('--Accent'), '--Accent');
  assert.ok(DEFAULT_CSS_PROPERTIES.includes('background'));
  assert.ok(!DEFAULT_CSS_PROPERTIES.includes('display'));
});

test('only the first cmd.onConnect of a stream counts: a relayed one changes nothing', () => {
  const connects = [];
  const h = createHarness({ handlers: { onConnect: (info) => connects.push(info.id) } });
  h.connect('sub1', 1000);
  h.send(`cmd.onConnect ${JSON.stringify({ id: 'evil', heartbeatUrl: 'https://chat.test/auth/signout', heartbeatIntervalMs: '10', unRegisterUrl: 'https://chat.test/chathistory/clear?channel=home' })}`);

  assert.deepEqual(connects, ['sub1']);
  assert.equal(h.client.connectionInfo.id, 'sub1');
  h.clock.advance(1000);
  assert.deepEqual(h.fetch.calls.map((c) => c.url), ['https://chat.test/event-heartbeat?id=sub1']);
});
