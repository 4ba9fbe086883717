// Avatar colours: consecutive anonymous users, and ids that differ in one character, get clearly different hues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hueOf } from '../../src/Api/wwwroot/js/chat/dom.js';

const distance = (a, b) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

test('user10 to user19 are spread around the colour wheel', () => {
  const hues = Array.from({ length: 10 }, (_, i) => hueOf(`-${10 + i}`, `user${10 + i}`));
  for (let i = 0; i < hues.length; i++) {
    for (let j = i + 1; j < hues.length; j++) {
      assert.ok(distance(hues[i], hues[j]) >= 20, `user${10 + i} (${hues[i]}) and user${10 + j} (${hues[j]}) are too close`);
    }
  }
  for (let i = 1; i < hues.length; i++) assert.ok(distance(hues[i - 1], hues[i]) >= 90);
});

test('hues are whole degrees from 0 to 359 and stable', () => {
  for (let n = 0; n < 2000; n++) {
    const hue = hueOf(`-${n}`, `user${n}`);
    assert.ok(Number.isInteger(hue) && hue >= 0 && hue < 360);
  }
  assert.equal(hueOf('guest:abc'), hueOf('guest:abc'));
});

test('a signed-in name that looks like userN is hashed, not placed by number', () => {
  assert.equal(hueOf('guest:x', 'user5'), hueOf('guest:x'));
});

test('hashed ids cover the colour wheel evenly', () => {
  const buckets = new Array(12).fill(0);
  for (let n = 0; n < 3600; n++) buckets[Math.floor(hueOf(`guest:abcdef${n}`) / 30)]++;
  for (const count of buckets) assert.ok(count > 210 && count < 390, `uneven: ${buckets}`);
});
