/** The chat page: wires the server-events client to the views, the message box and the account. */

import { ServerEventsClient } from '/js/server-events.js';
import { describeError, request, UNREACHABLE } from './api.js';
import { MentionAutocomplete } from './autocomplete.js';
import { ChatView } from './chat-view.js';
import { CommandHistory, parseCommand } from './commands.js';
import { fillAvatar } from './dom.js';
import { setUpExamples } from './examples.js';
import { isChatMessage, MessageFeed } from './history.js';
import { createRemoteControl, describeRemoteRules, toast } from './remote.js';
import { Account } from './sign-in.js';
import { Presence, renderUsers } from './users.js';

/** The server's rule for channel names. */
const CHANNEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const byId = (id) => document.getElementById(id);
const input = byId('message');
const composerError = byId('composer-error');
const NOT_CONNECTED = 'Not connected yet: wait a moment and send again.';
const toasts = byId('toasts');

/** @type {ServerEventsClient|null} */
let client = null;
/** The identity of the live subscription (`cmd.onConnect`). */
let me = null;

const showError = (error) => toast(toasts, describeError(error));

const presence = new Presence({
  loadSubscribers: async () => {
    const { channels } = client;
    return { subscribers: await client.getChannelSubscribers(), channels };
  },
  onChange: renderPeople,
  onError: showError,
});

const view = new ChatView({
  tabList: byId('channel-tabs'),
  panels: byId('panels'),
  context: { me: () => me, nameOf: (userId) => presence.nameOf(userId) ?? 'someone' },
  onActivate: channelActivated,
});

const feed = new MessageFeed({ show: (message, options) => view.addMessage(message, options), onError: showError });

const remote = createRemoteControl({
  banner: byId('announce'),
  tv: byId('tv'),
  screen: byId('tv-screen'),
  tvClose: byId('tv-close'),
  toasts,
}, () => client);

const account = new Account({
  signInButton: byId('sign-in-button'),
  signOutButton: byId('sign-out-button'),
  dialog: byId('sign-in-dialog'),
  form: byId('sign-in-form'),
  cancel: byId('sign-in-cancel'),
  passwordField: byId('sign-in-password-field'),
  error: byId('sign-in-error'),
  gitHub: byId('github-sign-in'),
  gitHubLink: byId('github-link'),
}, {
  onChange: () => {
    accountChanged();
    reconnect();
  },
  onError: showError,
});

// ---- connection ----

function setStatus(state, text) {
  const status = byId('status');
  status.dataset.state = state;
  status.textContent = text;
  // While this page is not connected it cannot know who is online, so nobody is shown as online.
  byId('users-list').toggleAttribute('data-offline', state !== 'connected');
}

function connect() {
  setStatus('connecting', 'Connecting…');
  const c = new ServerEventsClient('', view.channels, {
    handlers: {
      ...remote.handlers,
      onConnect(info) {
        me = { userId: info.userId, displayName: info.displayName };
        setStatus('connected', 'Connected');
        // An error that only said the page was not connected is out of date once it is.
        if ([NOT_CONNECTED, UNREACHABLE].includes(composerError.textContent)) composerError.textContent = '';
        byId('me-name').textContent = info.displayName;
        fillAvatar(byId('me-avatar'), { userId: info.userId, displayName: info.displayName, profileUrl: info.profileUrl });
        presence.resync();
        feed.load(c.channels);
      },
      onJoin(info, event) {
        if (event.channel) presence.join(event.channel, info);
      },
      onLeave(info, event) {
        if (event.channel) presence.leave(event.channel, info);
      },
      onUpdate(info, event) {
        if (event.channel) presence.update(event.channel, info);
      },
      chat(message) {
        if (isChatMessage(message)) feed.receive(message);
      },
      historyCleared(body, event) {
        if (body?.channel !== event.channel || !view.has(event.channel)) return;
        feed.cleared(event.channel);
        view.clear(event.channel);
        toast(toasts, `The history of #${event.channel} was cleared.`);
      },
    },
    receivers: remote.receivers(),
    onReconnect: () => setStatus('reconnecting', 'Reconnecting…'),
  });
  client = c;
  c.start();
}

/** A new identity needs a new subscription: stop the stream, then open another. */
async function reconnect() {
  const previous = client;
  me = null;
  await previous.stop();
  connect();
}

// ---- channels ----

function channelsFromUrl() {
  const names = (new URLSearchParams(window.location.search).get('channels') ?? '')
    .split(',').map((name) => name.trim()).filter((name) => CHANNEL_NAME.test(name));
  return names.length > 0 ? [...new Set(names)] : ['home'];
}

function channelActivated(channel) {
  byId('channel-title').textContent = `# ${channel}`;
  input.placeholder = `Message #${channel}`;
  byId('clear-history').setAttribute('aria-label', `Clear the history of #${channel}`);
  renderPeople();
}

const addForm = byId('add-channel-form');
const addButton = byId('add-channel');
const newChannel = byId('new-channel');

function showAddForm(visible) {
  addForm.hidden = !visible;
  addButton.hidden = visible;
  addButton.setAttribute('aria-expanded', String(visible));
  if (visible) {
    addForm.reset();
    newChannel.focus();
  } else {
    addButton.focus();
  }
}

addButton.addEventListener('click', () => showAddForm(true));
byId('cancel-add-channel').addEventListener('click', () => showAddForm(false));
addForm.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') showAddForm(false);
});
addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const channel = newChannel.value.trim();
  if (!CHANNEL_NAME.test(channel)) {
    newChannel.reportValidity();
    return;
  }
  showAddForm(false);
  if (view.has(channel)) {
    view.activate(channel);
    return;
  }
  // The tab comes first so that messages of the channel have a place to go as soon as they arrive.
  view.addChannel(channel);
  view.activate(channel);
  try {
    await client.subscribeToChannels(channel);
  } catch (error) {
    view.removeChannel(channel);
    showError(error);
    return;
  }
  const url = new URL(window.location.href);
  window.history.replaceState(null, '', `${url.pathname}?channels=${view.channels.map(encodeURIComponent).join(',')}${url.hash}`);
  presence.resync();
  feed.load([channel]);
});

byId('clear-history').addEventListener('click', async () => {
  try {
    await request(`/chathistory/clear?channel=${encodeURIComponent(view.active)}`, { method: 'POST' });
  } catch (error) {
    showError(error);
  }
});

// ---- people ----

function mention(name) {
  input.value = `@${name} `;
  input.focus();
}

function renderPeople() {
  const users = presence.users(view.active);
  renderUsers(byId('users-list'), users, me?.userId ?? null, (user) => mention(user.userId === me?.userId ? 'me' : user.displayName));
  byId('people-count').textContent = String(users.length);
}

const sidebar = byId('sidebar');
const sidebarToggle = byId('toggle-sidebar');
sidebarToggle.addEventListener('click', () => {
  const open = sidebar.classList.toggle('open');
  sidebarToggle.setAttribute('aria-expanded', String(open));
});

// ---- account ----

function accountChanged() {
  const identity = account.me ?? {};
  byId('clear-history').hidden = !identity.isAdmin;
  byId('remote-note').textContent = describeRemoteRules(identity);
}

// ---- the message box ----

const commandHistory = new CommandHistory();
const autocomplete = new MentionAutocomplete(input, byId('mention-list'), () => {
  const users = presence.users(view.active);
  return me ? [{ userId: me.userId, displayName: 'me' }, ...users] : users;
});

input.addEventListener('keydown', (event) => {
  if (!autocomplete.handleKey(event)) commandHistory.handleKey(event, input);
});

function findUser(name) {
  return name.toLowerCase() === 'me' ? me : presence.find(name, view.active);
}

async function send(text) {
  const { toUserId, selector, message, local } = parseCommand(text, findUser);
  if (local) {
    // Typed here, run here: never sent, so a remote sender cannot do the same.
    remote.runLocal(selector, message);
    return;
  }
  const from = client.connectionInfo?.id;
  if (!from) throw new Error(NOT_CONNECTED);
  const route = `/channels/${encodeURIComponent(view.active)}`;
  if (selector) {
    await request(`${route}/raw`, { method: 'POST', body: { from, toUserId, selector, message } });
  } else {
    // The answer is the stored message: show it now; the copy from the stream is skipped by id.
    const sent = await request(`${route}/chat`, { method: 'POST', body: { from, toUserId, message } });
    if (isChatMessage(sent)) feed.receive(sent);
  }
}

const composer = byId('composer');
composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value;
  if (!text.trim()) return;
  composerError.textContent = '';
  commandHistory.push(text);
  input.value = '';
  composer.setAttribute('aria-busy', 'true');
  try {
    await send(text);
  } catch (error) {
    composerError.textContent = describeError(error);
    if (!input.value) input.value = text;
  } finally {
    composer.removeAttribute('aria-busy');
  }
});

input.addEventListener('input', () => {
  composerError.textContent = '';
});

// ---- start ----

setUpExamples({ list: byId('examples-list'), toggle: byId('toggle-examples'), input });
for (const channel of channelsFromUrl()) view.addChannel(channel);
connect();
account.load().then(accountChanged, showError);
