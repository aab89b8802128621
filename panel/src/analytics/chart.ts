/**
 * The screen's two charts, with Chart.js loaded on first use (its own chunk: the other screens do not
 * pay for it) and only the pieces they draw registered: bars, a line, two scales, tooltip and legend.
 */
import type { Chart as ChartType } from "chart.js";

type ChartModule = typeof import("./chart-setup");
let loading: Promise<ChartModule> | null = null;

const chartJs = (): Promise<ChartModule> => {
  loading ??= import("./chart-setup");
  return loading;
};

export interface Series {
  label: string;
  data: number[];
  color: string;
  kind: "bar" | "line";
}

/** Draws a chart on the canvas; the returned function destroys it (when the view is left or redrawn). */
export async function drawChart(canvas: HTMLCanvasElement, labels: string[], series: Series[], opts: { stacked?: boolean; decimals?: number } = {}): Promise<() => void> {
  const { Chart } = await chartJs();
  const chart: ChartType = new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s) => ({
        type: s.kind,
        label: s.label,
        data: s.data,
        backgroundColor: s.color,
        borderColor: s.color,
        borderWidth: s.kind === "line" ? 2 : 0,
        pointRadius: s.kind === "line" ? 2 : 0,
        tension: 0.25,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } },
      scales: {
        x: { stacked: opts.stacked ?? false, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
        y: { stacked: opts.stacked ?? false, beginAtZero: true, ticks: { precision: opts.decimals ?? 0 } },
      },
    },
  });
  return () => chart.destroy();
}
