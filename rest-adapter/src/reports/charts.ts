import type { GqlSeverityCounts } from '../routes/shared.js';

/**
 * Chart geometry for the inline SVG charts. Only numbers and fixed class names come out of here:
 * the templates place them in attributes (escaped like everything else), so a chart can carry no
 * markup of its own and needs no script.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type SeverityKey = (typeof SEVERITIES)[number];

export interface SeverityBar {
  severity: SeverityKey;
  label: string;
  count: number;
  y: number;
  width: number;
  labelY: number;
  countX: number;
}

export interface SeverityChart {
  width: number;
  height: number;
  barX: number;
  barHeight: number;
  bars: SeverityBar[];
}

const LABELS: Record<SeverityKey, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/** A horizontal bar per severity, scaled to the largest count. */
export function severityChart(counts: GqlSeverityCounts): SeverityChart {
  const width = 360;
  const barX = 70;
  const barHeight = 18;
  const span = width - barX - 40;
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  return {
    width,
    height: SEVERITIES.length * 26 + 4,
    barX,
    barHeight,
    bars: SEVERITIES.map((s, i) => {
      const w = counts[s] ? Math.max(2, Math.round((counts[s] / max) * span)) : 0;
      return { severity: s, label: LABELS[s], count: counts[s], y: 4 + i * 26, width: w, labelY: 4 + i * 26 + 13, countX: barX + w + 6 };
    }),
  };
}

export interface TrendSegment {
  severity: SeverityKey;
  y: number;
  height: number;
}

export interface TrendColumn {
  x: number;
  label: string;
  total: number;
  totalY: number;
  current: boolean;
  segments: TrendSegment[];
}

export interface TrendChart {
  width: number;
  height: number;
  baseY: number;
  barWidth: number;
  columns: TrendColumn[];
}

/** One stacked column per scan (oldest left), the last being this report's scan. */
export function trendChart(points: { date: string; counts: GqlSeverityCounts; current: boolean }[]): TrendChart {
  const width = 360;
  const top = 16;
  const baseY = 120;
  const slot = width / Math.max(points.length, 1);
  const barWidth = Math.min(36, Math.round(slot * 0.6));
  const max = Math.max(1, ...points.map((p) => p.counts.total));
  return {
    width,
    height: baseY + 18,
    baseY,
    barWidth,
    columns: points.map((p, i) => {
      let y = baseY;
      const segments: TrendSegment[] = [];
      for (const s of SEVERITIES) {
        const h = Math.round((p.counts[s] / max) * (baseY - top));
        if (!h) continue;
        y -= h;
        segments.push({ severity: s, y, height: h });
      }
      return { x: Math.round(i * slot + (slot - barWidth) / 2), label: p.date.slice(5, 10), total: p.counts.total, totalY: Math.max(10, y - 3), current: p.current, segments };
    }),
  };
}
