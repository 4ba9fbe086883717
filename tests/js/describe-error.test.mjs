import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/Api/wwwroot/js/chat/api.js';

test('a network failure reads as a sentence, not "Failed to fetch"', () => {
  const text = describeError(new TypeError('Failed to fetch'));
  assert.doesNotMatch(text, /Failed to fetch/);
  assert.match(text, /Could not reach the server/);
});

test('other errors keep their message', () => {
  assert.equal(describeError(new Error('That subscription belongs to someone else.')), 'That subscription belongs to someone else.');
});
