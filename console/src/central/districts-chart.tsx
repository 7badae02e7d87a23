import { useMemo } from 'preact/hooks';
import { Chart, chartText } from '../charts/charts-screen.js';
import { useI18n } from '../i18n.js';

/** Open and overdue cases by district, side by side (echarts, canvas; loaded with the districts page only). */
export function DistrictsChart({ rows }: { rows: { district: string; open: number; overdue: number }[] }) {
  const { t } = useI18n();
  const option = useMemo(
    () => ({
      // A control-room wall shows the figures at once: no animation (and screenshots show the bars).
      animation: false,
      textStyle: chartText,
      tooltip: { trigger: 'axis' },
      legend: { top: 4, right: 16, textStyle: chartText, data: [t('city.col.open'), t('city.col.overdue')] },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => r.district), axisLabel: chartText },
      yAxis: { type: 'value', minInterval: 1, axisLabel: chartText },
      series: [
        { name: t('city.col.open'), type: 'bar', barMaxWidth: 48, data: rows.map((r) => r.open), color: '#3d84bf' },
        {
          name: t('city.col.overdue'),
          type: 'bar',
          barMaxWidth: 48,
          data: rows.map((r) => r.overdue),
          color: '#d63939',
        },
      ],
    }),
    [rows, t],
  );
  return <Chart option={option} label={t('city.districts.chart')} testId="chart-districts" />;
}
