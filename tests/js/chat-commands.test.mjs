// The chat page's message box: which commands are local (never sent) and what the page says about permissions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from '../../src/Api/wwwroot/js/chat/commands.js';
import { describeRemoteRules } from '../../src/Api/wwwroot/js/chat/remote.js';

const users = { me: { userId: 'u-me' }, alice: { userId: 'u-me' }, bob: { userId: 'u-bob' } };
const findUser = (name) => users[name.toLowerCase()];

test('turning redirects on or off is a local command, never a post', () => {
  assert.deepEqual(parseCommand('/cmd.addReceiver window', findUser), { selector: 'cmd.addReceiver', message: 'window', local: true });
  assert.deepEqual(parseCommand('@me /cmd.removeReceiver window', findUser), { selector: 'cmd.removeReceiver', message: 'window', local: true });
  // Your own name is you, too.
  assert.equal(parseCommand('@alice /cmd.addReceiver window', findUser).local, true);
});

test('nobody can turn redirects on for someone else', () => {
  assert.throws(() => parseCommand('@bob /cmd.addReceiver window', findUser), /ask them to type \/cmd\.addReceiver window themselves/);
});

test('other remote control is sent, to a user or the channel', () => {
  assert.deepEqual(parseCommand('@bob /window.location https://example.test/', findUser), { toUserId: 'u-bob', selector: 'window.location', message: 'https://example.test/' });
  assert.deepEqual(parseCommand('/cmd.announce hi', findUser), { toUserId: undefined, selector: 'cmd.announce', message: 'hi' });
});

test('the page says who may send remote control where', () => {
  const defaults = { remoteControlRequiresSignIn: true, channelRemoteControlRequiresAdministrator: true };
  assert.match(describeRemoteRules({ ...defaults, isAuthenticated: false }), /to @me; sign in to reach @name, and a whole channel needs an administrator/);
  assert.match(describeRemoteRules({ ...defaults, isAuthenticated: true }), /to @name and to @me; a whole channel needs an administrator/);
  assert.match(describeRemoteRules({ ...defaults, isAuthenticated: true, isAdmin: true }), /to this whole channel, to @name and to @me/);
  assert.match(describeRemoteRules({ remoteControlRequiresSignIn: false, channelRemoteControlRequiresAdministrator: false }), /to this whole channel/);
  assert.match(describeRemoteRules({ remoteControlRequiresSignIn: true, channelRemoteControlRequiresAdministrator: false }), /sign in to reach @name or the whole channel/);
});
