/**
 * Remote control: the `cmd.*` handlers and the `tv` receiver that `/selector message` commands reach, and the
 * local commands that decide whether `window.location` may be reached at all.
 * `css.*`, `trigger.*` and `document.*` are routed by the server-events client itself, which lets remote senders
 * set only the title, raise only `server-events:*` events and set only colours and fonts.
 */

import { el, httpUrl } from './dom.js';

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const YOUTUBE_HOSTS = new Set(['youtube.com', 'www.youtube.com', 'm.youtube.com', 'music.youtube.com', 'youtube-nocookie.com', 'www.youtube-nocookie.com']);
const IMAGE_PATH = /\.(?:apng|avif|gif|jpe?g|png|svg|webp)$/i;

/** Only plain text is announced or shown: strings and numbers, not objects. */
function asText(message) {
  return typeof message === 'string' || typeof message === 'number' ? String(message).trim() : '';
}

/**
 * @param {URL} url
 * @returns {string|null} the video id of a YouTube watch, share, embed, shorts or live link
 */
function youTubeId(url) {
  let id = null;
  if (url.hostname === 'youtu.be') {
    id = url.pathname.slice(1);
  } else if (YOUTUBE_HOSTS.has(url.hostname)) {
    const [, first, second] = url.pathname.split('/');
    id = first === 'watch' ? url.searchParams.get('v') : ['embed', 'shorts', 'live'].includes(first) ? second : null;
  }
  return id && YOUTUBE_ID.test(id) ? id : null;
}

/**
 * Shows a short message in a toast that fades out.
 * @param {HTMLElement} container
 * @param {string} text
 */
export function toast(container, text) {
  const item = el('div', { className: 'toast', text });
  item.addEventListener('animationend', () => item.remove());
  container.append(item);
}

/**
 * Who may send remote control from this page, in a sentence, from `GET /auth/me`.
 * @param {{ isAuthenticated?: boolean, isAdmin?: boolean, remoteControlRequiresSignIn?: boolean, channelRemoteControlRequiresAdministrator?: boolean }} me
 * @returns {string}
 */
export function describeRemoteRules(me) {
  const { isAuthenticated = false, isAdmin = false } = me;
  const { remoteControlRequiresSignIn = true, channelRemoteControlRequiresAdministrator = true } = me;
  const toOthers = isAuthenticated || !remoteControlRequiresSignIn;
  const toChannel = toOthers && (isAdmin || !channelRemoteControlRequiresAdministrator);
  if (toChannel) return 'You can send remote control (/…) to this whole channel, to @name and to @me.';
  if (toOthers) return 'You can send remote control (/…) to @name and to @me; a whole channel needs an administrator.';
  return channelRemoteControlRequiresAdministrator
    ? 'You can send remote control (/…) to @me; sign in to reach @name, and a whole channel needs an administrator.'
    : 'You can send remote control (/…) to @me; sign in to reach @name or the whole channel.';
}

/**
 * @param {object} elements
 * @param {HTMLElement} elements.banner the announcement banner
 * @param {HTMLElement} elements.tv the TV frame
 * @param {HTMLElement} elements.screen where the TV shows its video or image
 * @param {HTMLElement} elements.tvClose
 * @param {HTMLElement} elements.toasts
 * @param {() => import('/js/server-events.js').ServerEventsClient} getClient the live client
 * @returns {{ handlers: Record<string, Function>, receivers: () => Record<string, object>, runLocal: (selector: string, message: string) => void }}
 *   the client's handlers, its receivers (call again for each new client) and the local commands
 */
export function createRemoteControl({ banner, tv, screen, tvClose, toasts }, getClient) {
  // Only a command typed on this page turns redirects on (runLocal); no server event can.
  let redirectsAllowed = false;

  banner.addEventListener('animationend', () => {
    banner.hidden = true;
  });

  const television = Object.freeze({
    /** `tv.watch <url>`: a YouTube link plays in an embed, an image URL shows; anything else is ignored. */
    watch(message) {
      const url = httpUrl(asText(message));
      if (!url) return;
      const id = youTubeId(url);
      let media;
      if (id) {
        media = el('iframe', {
          attrs: {
            src: `https://www.youtube.com/embed/${id}?autoplay=1`,
            title: 'YouTube video',
            allow: 'autoplay; encrypted-media; picture-in-picture; fullscreen',
            referrerpolicy: 'strict-origin-when-cross-origin',
            sandbox: 'allow-scripts allow-same-origin allow-presentation allow-popups',
          },
        });
      } else if (IMAGE_PATH.test(url.pathname)) {
        media = el('img', { attrs: { src: url.href, alt: 'Shared image', referrerpolicy: 'no-referrer' } });
      } else {
        return;
      }
      screen.replaceChildren(media);
      tv.hidden = false;
    },
    /** `tv.off` */
    off() {
      screen.replaceChildren();
      tv.hidden = true;
    },
  });
  tvClose.addEventListener('click', () => television.off());

  // `/trigger.customEvent arg` raises `server-events:customEvent` on the document; the page shows that it happened.
  document.addEventListener('server-events:customEvent', (event) => {
    const detail = typeof event.detail === 'string' ? event.detail : JSON.stringify(event.detail);
    toast(toasts, `customEvent raised${detail ? `: ${detail}` : ''}`);
  });

  return {
    handlers: {
      /** `cmd.announce text`: a banner that fades in and out. */
      announce(message) {
        const text = asText(message);
        if (!text) return;
        banner.hidden = true;
        banner.textContent = text;
        // Restart the animation when announcements follow each other.
        void banner.offsetWidth;
        banner.hidden = false;
      },
      /**
       * `cmd.toggle$<css selector>`: shows or hides the matched element (`this`), if the page marked it
       * `data-remote-toggle`: nobody else may hide the message box or the sign-out button.
       */
      toggle(_message, info) {
        if (info.cssSelector && this.matches?.('[data-remote-toggle]')) this.hidden = !this.hidden;
      },
    },
    receivers: () => (redirectsAllowed ? { tv: television, window } : { tv: television }),
    runLocal(selector, message) {
      if (asText(message) !== 'window') throw new Error(`Only window can be added or removed: /${selector} window.`);
      redirectsAllowed = selector === 'cmd.addReceiver';
      if (redirectsAllowed) getClient().addReceiver('window', window);
      else getClient().removeReceiver('window');
      toast(toasts, redirectsAllowed
        ? 'Others can now redirect this page (to http and https addresses only) until you type /cmd.removeReceiver window or reload.'
        : 'Nobody can redirect this page any more.');
    },
  };
}
