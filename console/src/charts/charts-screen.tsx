import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorNote, Loading, usePoll } from '../ui/common.js';
import { echarts } from './echarts.js';

interface Stats {
  days: string[];
  reported: number[];
  closed: number[];
  departments: { id: string; name: string; dispatched: number; closed: number; overdue: number; closureRate: number }[];
}

const DAYS = 30;
export const chartText = { color: '#d8e1ea' };

export function Chart({ option, label, testId }: { option: Record<string, unknown>; label: string; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    chart.current = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const resize = () => chart.current?.resize();
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={ref} class="chart" role="img" aria-label={label} data-testid={testId} />;
}

export function ChartsScreen() {
  const { t } = useI18n();
  const { value, error, refresh } = usePoll((s) => api.get<Stats>(`/api/v1/console/stats?days=${DAYS}`, s), 60_000, []);
  if (error) return <ErrorNote error={error} retry={refresh} />;
  if (!value) return <Loading />;
  const trend = {
    textStyle: chartText,
    tooltip: { trigger: 'axis' },
    legend: { top: 4, right: 16, textStyle: chartText, data: [t('charts.reported'), t('charts.closed')] },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: value.days.map((d) => d.slice(5)), axisLabel: chartText },
    yAxis: { type: 'value', minInterval: 1, axisLabel: chartText },
    series: [
      { name: t('charts.reported'), type: 'line', data: value.reported, smooth: true, color: '#74c0fc' },
      { name: t('charts.closed'), type: 'line', data: value.closed, smooth: true, color: '#2fb344' },
    ],
  };
  const deps = value.departments.slice(0, 15);
  const closure = {
    textStyle: chartText,
    tooltip: { trigger: 'axis' },
    grid: { left: 160, right: 30, top: 20, bottom: 30 },
    xAxis: { type: 'value', max: 100, axisLabel: { ...chartText, formatter: '{value}%' } },
    yAxis: { type: 'category', data: deps.map((d) => d.name), axisLabel: chartText, inverse: true },
    series: [
      {
        name: t('charts.closureRate'),
        type: 'bar',
        data: deps.map((d) => Math.round(d.closureRate * 1000) / 10),
        color: '#3d84bf',
      },
    ],
  };
  return (
    <section aria-labelledby="charts-title" class="charts">
      <h1 id="charts-title">{t('charts.title')}</h1>
      <h2>{t('charts.trend', { days: DAYS })}</h2>
      <Chart option={trend} label={t('charts.trend', { days: DAYS })} testId="chart-trend" />
      <h2>{t('charts.closure')}</h2>
      <Chart option={closure} label={t('charts.closure')} testId="chart-closure" />
      <details>
        <summary>{t('charts.table')}</summary>
        <table class="cases">
          <thead>
            <tr>
              <th scope="col">{t('charts.department')}</th>
              <th scope="col">{t('charts.dispatched')}</th>
              <th scope="col">{t('charts.closed')}</th>
              <th scope="col">{t('charts.closureRate')}</th>
            </tr>
          </thead>
          <tbody>
            {value.departments.map((d) => (
              <tr key={d.id}>
                <td class="data">{d.name}</td>
                <td class="mono">{d.dispatched}</td>
                <td class="mono">{d.closed}</td>
                <td class="mono">{(d.closureRate * 100).toFixed(1)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
