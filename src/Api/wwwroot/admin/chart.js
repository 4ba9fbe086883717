// A small SVG line chart: one polyline per series over a sliding time window. No dependencies.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 160;
const PAD = { left: 44, right: 8, top: 8, bottom: 18 };

/** The colour of the n-th series, spread around the hue circle. */
export function seriesColor(index) {
  return `hsl(${(index * 137 + 230) % 360} 70% 55%)`;
}

/** Compact numbers for axis labels and tiles: 950, 1.2k, 3.4M. */
export function formatNumber(value) {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (abs > 0 && abs < 10 && !Number.isInteger(value)) return value.toFixed(1);
  return String(Math.round(value));
}

function svg(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

export class LineChart {
  /**
   * @param {HTMLElement} host where the chart's figure is appended
   * @param {{ id: string, title: string, unit?: string, windowMs?: number }} options
   */
  constructor(host, { id, title, unit = '', windowMs = 60_000 }) {
    this.unit = unit;
    this.windowMs = windowMs;
    /** @type {Map<string, { points: {t: number, v: number}[], line: SVGPolylineElement, color: string }>} */
    this.series = new Map();

    this.figure = document.createElement('figure');
    this.figure.className = 'chart card';
    this.figure.id = `chart-${id}`;
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    this.svg = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title });
    this.grid = svg('g', { class: 'grid' });
    this.lines = svg('g', { class: 'lines' });
    this.svg.append(this.grid, this.lines);
    this.figure.append(caption, this.svg, this.legend);
    host.append(this.figure);
  }

  /** Adds a point to a series (a node), creating the series on first use. */
  push(key, label, t, v) {
    if (!Number.isFinite(v)) return;
    let series = this.series.get(key);
    if (!series) {
      const color = seriesColor(this.series.size);
      const line = svg('polyline', { fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-linejoin': 'round' });
      this.lines.append(line);
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = color;
      item.append(swatch, label);
      item.title = key;
      this.legend.append(item);
      series = { points: [], line, color };
      this.series.set(key, series);
    }
    series.points.push({ t, v });
  }

  /** Drops points older than the window and redraws every series against a shared scale. */
  render(now = Date.now()) {
    const start = now - this.windowMs;
    let max = 0;
    for (const series of this.series.values()) {
      series.points = series.points.filter((p) => p.t >= start);
      for (const p of series.points) max = Math.max(max, p.v);
    }
    const top = niceCeiling(max);
    const x = (t) => PAD.left + ((t - start) / this.windowMs) * (WIDTH - PAD.left - PAD.right);
    const y = (v) => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
    for (const series of this.series.values()) {
      series.line.setAttribute('points', series.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '));
    }

    this.grid.replaceChildren();
    for (const fraction of [0, 0.5, 1]) {
      const value = top * fraction;
      this.grid.append(
        svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
        Object.assign(svg('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }), { textContent: formatNumber(value) + this.unit }),
      );
    }
    this.grid.append(Object.assign(svg('text', { x: PAD.left, y: HEIGHT - 3 }), { textContent: `−${this.windowMs / 1000}s` }));
    this.grid.append(Object.assign(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 3, 'text-anchor': 'end' }), { textContent: 'now' }));
    if (this.series.size === 0) {
      this.grid.append(Object.assign(svg('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'empty' }), { textContent: 'no data' }));
    }
  }
}

/** 1, 2 or 5 times a power of ten, at least 1: axis tops that read well. */
function niceCeiling(value) {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}
