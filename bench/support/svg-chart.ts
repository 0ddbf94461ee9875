/**
 * A line chart as a standalone SVG document, small enough to read: linear x axis, linear or
 * logarithmic y axis, a legend, and reference lines (a goal, a ceiling). No dependencies.
 */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** [x, y]; points with a non-finite or (on a log axis) non-positive y are left out. */
  readonly points: readonly (readonly [number, number])[];
}

export interface ReferenceLine {
  readonly at: number;
  readonly label: string;
  readonly color: string;
}

export interface LineChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly yLog?: boolean;
  readonly series: readonly ChartSeries[];
  /** Horizontal lines at a y value. */
  readonly yLines?: readonly ReferenceLine[];
  /** Vertical lines at an x value. */
  readonly xLines?: readonly ReferenceLine[];
}

const WIDTH = 760;
const HEIGHT = 460;
const PLOT = { left: 72, right: WIDTH - 190, top: 56, bottom: HEIGHT - 58 };

export function lineChartSvg(chart: LineChart): string {
  const yLog = chart.yLog ?? false;
  const usable = (y: number) => Number.isFinite(y) && (!yLog || y > 0);
  // Drawn from left to right: a line against rate joins its points in the order of their x.
  const series = chart.series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && usable(y)).sort(([a], [b]) => a - b) }));
  const xs = [0, ...series.flatMap((s) => s.points.map(([x]) => x)), ...(chart.xLines ?? []).map((l) => l.at)];
  const ys = [...series.flatMap((s) => s.points.map(([, y]) => y)), ...(chart.yLines ?? []).map((l) => l.at)].filter(usable);
  const xTicks = linearTicks(0, Math.max(1, ...xs));
  const yTicks = yLog ? logTicks(Math.min(...ys, 10), Math.max(...ys, 100)) : linearTicks(0, Math.max(1, ...ys));
  const [x0, x1] = [xTicks[0] ?? 0, xTicks[xTicks.length - 1] ?? 1];
  const [y0, y1] = [yTicks[0] ?? 0, yTicks[yTicks.length - 1] ?? 1];
  const px = (x: number) => PLOT.left + ((x - x0) / (x1 - x0)) * (PLOT.right - PLOT.left);
  const yScale = (y: number) => (yLog ? Math.log10(y) : y);
  const py = (y: number) => PLOT.bottom - ((yScale(y) - yScale(y0)) / (yScale(y1) - yScale(y0))) * (PLOT.bottom - PLOT.top);
  const f = (n: number) => n.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${PLOT.left}" y="24" font-size="15" font-weight="bold">${escape(chart.title)}</text>`);
  if (chart.subtitle) out.push(`<text x="${PLOT.left}" y="42" fill="#555">${escape(chart.subtitle)}</text>`);
  for (const t of xTicks) {
    out.push(`<line x1="${f(px(t))}" y1="${PLOT.top}" x2="${f(px(t))}" y2="${PLOT.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${f(px(t))}" y="${PLOT.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${PLOT.left}" y1="${f(py(t))}" x2="${PLOT.right}" y2="${f(py(t))}" stroke="#eee"/>`);
    out.push(`<text x="${PLOT.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}${yLog ? ' (log scale)' : ''}</text>`);
  for (const line of chart.yLines ?? []) {
    if (!usable(line.at)) continue;
    out.push(`<line x1="${PLOT.left}" y1="${f(py(line.at))}" x2="${PLOT.right}" y2="${f(py(line.at))}" stroke="${line.color}" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${PLOT.right - 4}" y="${f(py(line.at) - 4)}" text-anchor="end" fill="${line.color}">${escape(line.label)}</text>`);
  }
  for (const line of chart.xLines ?? []) {
    if (!Number.isFinite(line.at)) continue;
    out.push(`<line x1="${f(px(line.at))}" y1="${PLOT.top}" x2="${f(px(line.at))}" y2="${PLOT.bottom}" stroke="${line.color}" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${f(px(line.at) - 4)}" y="${PLOT.top + 14}" text-anchor="end" fill="${line.color}">${escape(line.label)}</text>`);
  }
  series.forEach((s, i) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (s.points.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${s.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ')}"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3.5" fill="${s.color}"><title>${escape(`${s.name}: ${formatTick(x)}, ${formatTick(y)}`)}</title></circle>`);
    const ly = PLOT.top + 8 + i * 20;
    out.push(`<line x1="${PLOT.right + 14}" y1="${ly}" x2="${PLOT.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${PLOT.right + 46}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Round ticks from `min` to at least `max`: steps of 1, 2 or 5 times a power of ten, about six of them. */
function linearTicks(min: number, max: number): number[] {
  const raw = (max - min) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t < max + step; t += step) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

/** 1, 2 and 5 times each power of ten from below `min` to above `max`. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** power;
      if (t >= 10 ** Math.floor(Math.log10(min)) && t <= 10 ** Math.ceil(Math.log10(max))) ticks.push(t);
    }
  }
  return ticks;
}

function formatTick(n: number): string {
  if (Math.abs(n) >= 10_000) return `${n / 1000}k`;
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
