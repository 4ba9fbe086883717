// The live admin dashboard: every node publishes a snapshot to the admin channel once a second; this page keeps
// the latest two per node id (rates are the difference of running totals) and redraws the charts and tables.

import { ServerEventsClient } from '/js/server-events.js';
import { formatNumber, LineChart } from './chart.js';

const LAG_INSTRUMENT = 'serverevents.fanout.lag';

/**
 * One chart per entry; each node is a series. `value` reads a figure from a snapshot, `rate` a running total that
 * becomes a per-second rate. Adding a series is one line here (for a new instrument: `s.metrics.values[name]`).
 */
const CHARTS = [
  { id: 'connections', title: 'Connections per node', value: (s) => s.statistics.openConnections },
  { id: 'publishes', title: 'Publishes/s', rate: (s) => s.statistics.eventsPublished },
  { id: 'deliveries', title: 'Deliveries/s', rate: (s) => s.statistics.framesDelivered },
  { id: 'overflows', title: 'Queue overflows/s', rate: (s) => s.statistics.queueOverflows },
  { id: 'replays', title: 'Replayed events/s', rate: (s) => s.statistics.eventsReplayed },
  // The histogram is in seconds (OpenTelemetry's unit for durations); the chart shows milliseconds.
  { id: 'lag', title: 'Fan-out lag per node (mean, ms)', value: (s) => toMilliseconds(mean(s.metrics.histograms[LAG_INSTRUMENT])) },
];

/** A node that has not published for this long is shown as silent and left out of the totals. */
const SILENT_AFTER_MS = 5_000;
const MAX_ERRORS = 50;

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const body = document.body;

/** @type {Map<string, { latest: any, previous: any | null, seenAt: number }>} */
const nodes = new Map();
/** @type {Map<string, any>} */
const errors = new Map();
const charts = CHARTS.map((chart) => ({ ...chart, view: new LineChart(byId('charts'), chart) }));

function toMilliseconds(seconds) {
  return seconds === undefined ? undefined : seconds * 1000;
}

function mean(histogram) {
  return histogram && histogram.count > 0 ? histogram.sum / histogram.count : undefined;
}

/** Per second between two snapshots of one node, or undefined for the first one. */
function rate(read, node) {
  if (!node.previous) return undefined;
  const seconds = (Date.parse(node.latest.at) - Date.parse(node.previous.at)) / 1000;
  return seconds > 0 ? Math.max(0, read(node.latest) - read(node.previous)) / seconds : undefined;
}

function shortName(id) {
  return id.length > 24 ? `${id.slice(0, 24)}…` : id;
}

function receive(snapshot) {
  const now = Date.now();
  const known = nodes.get(snapshot.node);
  nodes.set(snapshot.node, { latest: snapshot, previous: known?.latest ?? null, seenAt: now });
  const node = nodes.get(snapshot.node);
  for (const chart of charts) {
    const value = chart.rate ? rate(chart.rate, node) : chart.value(snapshot);
    chart.view.push(snapshot.node, shortName(snapshot.node), now, value);
  }
  for (const error of snapshot.errors) errors.set(`${snapshot.node}/${error.id}`, { ...error, node: snapshot.node });
  render(now);
}

function setTile(id, value) {
  const tile = byId(id);
  tile.dataset.value = String(value);
  tile.textContent = formatNumber(value);
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (className) td.className = className;
  return td;
}

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function render(now) {
  for (const chart of charts) chart.view.render(now);

  const live = [...nodes.values()].filter((n) => now - n.seenAt <= SILENT_AFTER_MS);
  const sum = (read) => live.reduce((total, n) => total + (read(n) ?? 0), 0);
  setTile('total-connections', sum((n) => n.latest.statistics.openConnections));
  setTile('total-publishes', sum((n) => rate((s) => s.statistics.eventsPublished, n)));
  setTile('total-deliveries', sum((n) => rate((s) => s.statistics.framesDelivered, n)));
  setTile('total-delivered', sum((n) => n.latest.statistics.framesDelivered));
  setTile('total-nodes', live.length);

  byId('nodes').querySelector('tbody').replaceChildren(...[...nodes.values()]
    .sort((a, b) => a.latest.node.localeCompare(b.latest.node))
    .map((n) => {
      const silent = now - n.seenAt > SILENT_AFTER_MS;
      const health = silent ? 'Silent' : n.latest.health.status;
      const tr = row(
        cell(n.latest.node),
        cell(n.latest.tier),
        cell(health, `health health-${health.toLowerCase()}`),
        cell(n.latest.statistics.openConnections, 'number'),
        cell(`${Math.round((now - n.seenAt) / 1000)} s ago`),
      );
      tr.dataset.node = n.latest.node;
      if (n.latest.health.description) tr.title = n.latest.health.description;
      return tr;
    }));

  // Every node reports the whole cluster's channels and silos: the newest report wins.
  const newest = live.reduce((a, b) => (!a || Date.parse(b.latest.at) > Date.parse(a.latest.at) ? b : a), null)?.latest;
  byId('channels').querySelector('tbody').replaceChildren(...(newest?.channels ?? []).map((c) => {
    const tr = row(cell(c.name), cell(c.members, 'number'));
    tr.dataset.channel = c.name;
    return tr;
  }));
  const silos = newest?.silos ?? [];
  byId('silos-card').hidden = silos.length === 0;
  byId('silos').querySelector('tbody').replaceChildren(...silos.map((s) =>
    row(cell(s.name), cell(s.address), cell(s.status, `health health-${s.status.toLowerCase()}`))));

  const recent = [...errors.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, MAX_ERRORS);
  for (const key of [...errors.keys()]) if (!recent.some((e) => `${e.node}/${e.id}` === key)) errors.delete(key);
  byId('no-errors').hidden = recent.length > 0;
  byId('errors').replaceChildren(...recent.map((e) => {
    const item = document.createElement('li');
    item.className = `error error-${e.level.toLowerCase()}`;
    const meta = document.createElement('span');
    meta.className = 'error-meta';
    meta.textContent = `${new Date(e.at).toLocaleTimeString()} · ${e.level} · ${shortName(e.node)} · ${e.category}`;
    const message = document.createElement('span');
    message.className = 'error-message';
    message.textContent = e.message;
    item.append(meta, message);
    return item;
  }));
}

function setStatus(state, text) {
  const status = byId('status');
  status.dataset.state = state;
  status.textContent = text;
}

const client = new ServerEventsClient('', [body.dataset.channel], {
  handlers: {
    onConnect() {
      setStatus('connected', 'Live');
    },
    [body.dataset.selector.replace(/^cmd\./, '')]: receive,
  },
  onReconnect: () => setStatus('reconnecting', 'Reconnecting…'),
});
client.start();
// Silent nodes turn silent on screen even when no snapshot arrives to trigger a redraw.
setInterval(() => render(Date.now()), 1_000);
