import type { YearScheduleInput } from './calendar.schema.js';

/**
 * 国务院办公厅关于2026年部分节假日安排的通知 (issued 2025-11-04), national schedule for 2026.
 * Confirmed against the full text published by Xinhua (新华社), reprinted at
 * https://politics.gmw.cn/2025-11/04/content_38391083.htm ; gov.cn copy: https://www.gov.cn/zhengce/content/202511/content_7047090.htm
 * Cities add local days (or edit this) in their own calendar config under `years["2026"]`.
 */
export const cnNationalSchedule2026: YearScheduleInput = {
  source:
    '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), https://www.gov.cn/zhengce/content/202511/content_7047090.htm',
  holidays: [
    { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
    { name: '春节', from: '2026-02-15', to: '2026-02-23' },
    { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
    { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
    { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
    { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
    { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
  ],
  makeUpWorkdays: [
    { date: '2026-01-04', name: '元旦调休上班' },
    { date: '2026-02-14', name: '春节调休上班' },
    { date: '2026-02-28', name: '春节调休上班' },
    { date: '2026-05-09', name: '劳动节调休上班' },
    { date: '2026-09-20', name: '国庆节调休上班' },
    { date: '2026-10-10', name: '国庆节调休上班' },
  ],
};
