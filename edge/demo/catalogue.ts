import type { LimitUnit } from '../../shared/clock/index.js';
import type { CategoryKind } from '../../shared/codes/index.js';

/**
 * What the demo district manages and who answers for it. Codes are real GB/T 47678.5-2026 codes; weights are
 * shares of the component stock (roughly a Chinese old town's survey: trees, lamps and drains dominate).
 */

/** Who owns or answers for something: a department id, the street office of the place, or its enforcement squad. */
export type Responsible = string | 'street' | 'squad';

/** Component categories surveyed in the demo: [code, weight, owner (主管部门)]. */
export const COMPONENT_CATEGORIES: readonly (readonly [string, number, Responsible])[] = [
  ['01001', 3, 'water'],
  ['01002', 6, 'szc'],
  ['01003', 6, 'szc'],
  ['01004', 8, 'szc'],
  ['01005', 4, 'power'],
  ['01006', 2, 'ldc'],
  ['01007', 5, 'telecom'],
  ['01008', 1, 'catv'],
  ['01009', 1, 'unicom'],
  ['01011', 2, 'gas'],
  ['01012', 0.5, 'gaj'],
  ['01013', 1, 'xfjy'],
  ['01014', 0.5, 'ylc'],
  ['01015', 0.5, 'jjdd'],
  ['01017', 0.5, 'power'],
  ['01018', 0.5, 'hwc'],
  ['01020', 0.2, 'bus'],
  ['01022', 0.2, 'zjj'],
  ['01023', 0.3, 'zjj'],
  ['01024', 0.1, 'water'],
  ['01025', 0.3, 'water'],
  ['01026', 1, 'szc'],
  ['01027', 1, 'telecom'],
  ['01028', 1, 'power'],
  ['01029', 0.3, 'power'],
  ['01030', 3, 'power'],
  ['01031', 2, 'telecom'],
  ['01032', 0.3, 'bus'],
  ['01035', 0.1, 'street'],
  ['01037', 12, 'ldc'],
  ['01038', 0.5, 'ldc'],
  ['01039', 1.5, 'ldc'],
  ['01040', 0.1, 'street'],
  ['01042', 0.2, 'post'],
  ['01043', 0.1, 'telecom'],
  ['01044', 0.1, 'scjg'],
  ['01045', 0.3, 'scjg'],
  ['01046', 0.6, 'wgl'],
  ['01047', 0.1, 'power'],
  ['01048', 0.8, 'power'],
  ['01049', 0.3, 'gas'],
  ['01050', 1.5, 'gaj'],
  ['01051', 0.1, 'gaj'],
  ['01052', 0.1, 'ylc'],
  ['01054', 0.5, 'power'],
  ['01059', 0.2, 'hwc'],
  ['01060', 0.5, 'ldc'],
  ['01062', 0.2, 'mobile'],
  ['01065', 0.5, 'street'],
  ['01067', 0.1, 'slj'],
  ['01070', 0.3, 'slj'],
  ['01073', 0.3, 'szc'],
  ['01075', 0.3, 'post'],
  ['01077', 0.3, 'ldc'],
  ['02001', 0.2, 'jtj'],
  ['02003', 0.3, 'jtj'],
  ['02004', 0.6, 'bus'],
  ['02005', 0.1, 'jtj'],
  ['02009', 0.1, 'szc'],
  ['02010', 3, 'jjdd'],
  ['02012', 0.8, 'zrzy'],
  ['02013', 0.2, 'zrzy'],
  ['02014', 1, 'jjdd'],
  ['02015', 0.5, 'jjdd'],
  ['02016', 0.1, 'jjdd'],
  ['02017', 2, 'jjdd'],
  ['02018', 0.3, 'jjdd'],
  ['02020', 0.5, 'szc'],
  ['02021', 1.5, 'szc'],
  ['02022', 0.5, 'jjdd'],
  ['02025', 0.5, 'squad'],
  ['02026', 0.3, 'jtj'],
  ['02027', 0.3, 'jtj'],
  ['02033', 0.2, 'jjdd'],
  ['02034', 0.5, 'zjj'],
  ['02035', 0.1, 'zjj'],
  ['02038', 3, 'gaj'],
  ['02043', 0.5, 'jjdd'],
  ['03001', 0.2, 'hwc'],
  ['03002', 0.2, 'hwc'],
  ['03004', 0.3, 'hwc'],
  ['03005', 4, 'hwc'],
  ['03006', 1, 'squad'],
  ['03007', 3, 'street'],
  ['03008', 0.5, 'street'],
  ['03014', 0.2, 'hwc'],
  ['03016', 0.2, 'hwc'],
  ['04001', 0.05, 'ylc'],
  ['04002', 15, 'ylc'],
  ['04003', 2, 'ylc'],
  ['04004', 1, 'ylc'],
  ['04005', 0.5, 'ylc'],
  ['04006', 0.1, 'ylc'],
  ['04007', 0.6, 'ylc'],
  ['04008', 1, 'ylc'],
  ['04009', 0.3, 'ylc'],
  ['04011', 3, 'ylc'],
  ['04013', 1, 'ylc'],
  ['05009', 0.05, 'wgl'],
];

/** A filing condition of the 立案、处置和结案标准 with its handling limit and closing condition. */
export interface DemoCondition {
  filing: string;
  amount: number;
  unit: LimitUnit;
  closing: string;
  urgency: 'A' | 'B' | 'C';
}

/** A category the demo's cases are about: who handles it, how often, and what reporters write. */
export interface CaseCategory {
  kind: CategoryKind;
  code: string;
  weight: number;
  responsible: Responsible;
  /** Description templates; `{addr}` becomes an address. */
  says: readonly string[];
  conditions: readonly DemoCondition[];
}

const c = (
  filing: string,
  amount: number,
  unit: LimitUnit,
  closing: string,
  urgency: DemoCondition['urgency'] = 'C',
): DemoCondition => ({ filing, amount, unit, closing, urgency });

/** Matters and component problems the demo's cases are about (their departments all have demo handlers). */
export const CASE_CATEGORIES: readonly CaseCategory[] = [
  {
    kind: 'matter',
    code: '06010',
    weight: 12,
    responsible: 'hwc',
    says: ['{addr}路边有暴露垃圾，约2平方米', '{addr}绿化带内有生活垃圾堆放', '{addr}人行道上有散落垃圾'],
    conditions: [
      c('城市道路、广场等公共场所有暴露垃圾，面积0.5平方米以上', 2, 'working_hours', '暴露垃圾清理干净，无残留'),
    ],
  },
  {
    kind: 'matter',
    code: '06011',
    weight: 4,
    responsible: 'hwc',
    says: ['{addr}有积存垃圾渣土未清运', '{addr}空地堆积建筑渣土'],
    conditions: [c('公共场所积存垃圾渣土，体积1立方米以上', 1, 'working_days', '垃圾渣土清运完毕，场地整洁')],
  },
  {
    kind: 'matter',
    code: '06012',
    weight: 6,
    responsible: 'hwc',
    says: ['{addr}路面不洁，有大量落叶和污渍', '{addr}道路有泥浆污染'],
    conditions: [c('道路路面不洁，有明显污渍、泥土或散落物', 4, 'working_hours', '路面清扫干净，见本色')],
  },
  {
    kind: 'matter',
    code: '06042',
    weight: 4,
    responsible: 'hwc',
    says: ['{addr}垃圾箱满溢，垃圾散落地面', '{addr}垃圾收集点满溢未清运'],
    conditions: [c('垃圾站（箱）满溢，垃圾散落', 2, 'working_hours', '垃圾清运完毕，周边无散落')],
  },
  {
    kind: 'matter',
    code: '06013',
    weight: 4,
    responsible: 'szc',
    says: ['{addr}路面坑洼，面积约1平方米', '{addr}人行道地砖松动破损'],
    conditions: [
      c('车行道破损，存在安全隐患', 8, 'urgent_hours', '破损路面修复或设置警示围挡', 'A'),
      c('人行道、非机动车道破损', 5, 'working_days', '路面修复平整'),
    ],
  },
  {
    kind: 'matter',
    code: '06050',
    weight: 1,
    responsible: 'szc',
    says: ['{addr}路缘石缺损', '{addr}侧石倾倒'],
    conditions: [c('路缘石缺失、破损或倾倒', 5, 'working_days', '路缘石补齐、扶正')],
  },
  {
    kind: 'matter',
    code: '06036',
    weight: 8,
    responsible: 'street',
    says: ['{addr}楼道口乱堆杂物', '{addr}人行道上堆放废旧家具'],
    conditions: [c('公共场所乱堆杂物，影响市容或通行', 1, 'working_days', '杂物清理完毕')],
  },
  {
    kind: 'matter',
    code: '06007',
    weight: 3,
    responsible: 'street',
    says: ['{addr}沿街晾晒衣物', '{addr}临街护栏上晾挂被褥'],
    conditions: [c('临街晾晒、吊挂衣物', 4, 'working_hours', '晾挂物收回')],
  },
  {
    kind: 'matter',
    code: '07001',
    weight: 8,
    responsible: 'street',
    says: ['{addr}电线杆上张贴小广告', '{addr}墙面有喷涂小广告'],
    conditions: [c('建筑物、构筑物及设施上张贴、喷涂小广告', 1, 'working_days', '小广告清除干净，无残留痕迹')],
  },
  {
    kind: 'matter',
    code: '06001',
    weight: 3,
    responsible: 'squad',
    says: ['{addr}屋顶私搭乱建', '{addr}沿街违规搭建彩钢棚'],
    conditions: [c('未经批准搭建建筑物、构筑物', 10, 'working_days', '违法建设拆除或依法处理')],
  },
  {
    kind: 'matter',
    code: '07003',
    weight: 2,
    responsible: 'squad',
    says: ['{addr}擅自设置户外广告牌', '{addr}户外广告牌破损未维护'],
    conditions: [c('未经批准设置户外广告或广告设施破损', 5, 'working_days', '违规广告拆除或修复')],
  },
  {
    kind: 'matter',
    code: '09006',
    weight: 10,
    responsible: 'squad',
    says: ['{addr}占道经营水果摊', '{addr}早点摊占用人行道经营'],
    conditions: [c('占用道路、广场等公共场所摆摊经营', 2, 'working_hours', '经营者被劝离，现场恢复整洁')],
  },
  {
    kind: 'matter',
    code: '09005',
    weight: 8,
    responsible: 'squad',
    says: ['{addr}商户超出门窗店外经营', '{addr}饭店在门前摆放桌椅'],
    conditions: [c('临街商户超出门窗外墙经营', 4, 'working_hours', '店外物品收回，恢复整洁')],
  },
  {
    kind: 'matter',
    code: '09001',
    weight: 4,
    responsible: 'squad',
    says: ['{addr}流动摊贩无照经营', '{addr}三轮车流动售卖'],
    conditions: [c('无照流动摊贩在公共场所经营', 2, 'working_hours', '流动摊贩被劝离')],
  },
  {
    kind: 'matter',
    code: '09009',
    weight: 5,
    responsible: 'jjdd',
    says: ['{addr}机动车占用人行道停放', '{addr}车辆停放堵塞消防通道'],
    conditions: [c('机动车违规停放，影响通行', 2, 'urgent_hours', '违停车辆驶离或依法处理', 'B')],
  },
  {
    kind: 'matter',
    code: '09010',
    weight: 3,
    responsible: 'squad',
    says: ['{addr}非机动车乱停放', '{addr}电动车占用盲道停放'],
    conditions: [c('非机动车未在规定区域停放，影响通行', 4, 'working_hours', '车辆摆放整齐')],
  },
  {
    kind: 'matter',
    code: '09011',
    weight: 2,
    responsible: 'street',
    says: ['{addr}共享单车堆积', '{addr}共享单车倒伏占道'],
    conditions: [c('共享单车堆积、倒伏，影响通行', 4, 'working_hours', '单车清运或摆放整齐')],
  },
  {
    kind: 'matter',
    code: '08002',
    weight: 1.5,
    responsible: 'squad',
    says: ['{addr}施工占用道路未设围挡', '{addr}施工材料占道'],
    conditions: [c('施工占用道路超出许可范围或未设围挡', 1, 'working_days', '占道物撤除或按规定设置围挡')],
  },
  {
    kind: 'matter',
    code: '08004',
    weight: 1,
    responsible: 'squad',
    says: ['{addr}工地扬尘严重', '{addr}工地未覆盖裸土'],
    conditions: [c('施工工地扬尘明显，未采取防尘措施', 1, 'working_days', '采取覆盖、洒水等防尘措施')],
  },
  {
    kind: 'matter',
    code: '06017',
    weight: 2,
    responsible: 'ylc',
    says: ['{addr}绿地内杂物多', '{addr}绿化带脏乱'],
    conditions: [c('绿地内有垃圾杂物，影响景观', 1, 'working_days', '绿地清理干净')],
  },
  {
    kind: 'matter',
    code: '06029',
    weight: 1.5,
    responsible: 'squad',
    says: ['{addr}夜间露天烧烤', '{addr}店外露天烧烤油烟大'],
    conditions: [c('在公共场所露天烧烤', 2, 'urgent_hours', '烧烤停止，设施撤离', 'B')],
  },
  {
    kind: 'component',
    code: '01002',
    weight: 2,
    responsible: 'szc',
    says: ['{addr}污水井盖破损', '{addr}污水井盖缺失，存在安全隐患'],
    conditions: [
      c('井盖缺失、破损，存在安全隐患', 2, 'urgent_hours', '井盖补齐或更换，设置到位', 'A'),
      c('井盖松动、移位、异响', 2, 'working_days', '井盖固定、恢复平整'),
    ],
  },
  {
    kind: 'component',
    code: '01003',
    weight: 2,
    responsible: 'szc',
    says: ['{addr}雨水井盖破损', '{addr}雨水井盖下沉'],
    conditions: [
      c('井盖缺失、破损，存在安全隐患', 2, 'urgent_hours', '井盖补齐或更换，设置到位', 'A'),
      c('井盖松动、移位、异响', 2, 'working_days', '井盖固定、恢复平整'),
    ],
  },
  {
    kind: 'component',
    code: '01004',
    weight: 2,
    responsible: 'szc',
    says: ['{addr}雨水箅子堵塞', '{addr}雨水箅子缺失'],
    conditions: [c('雨水箅子缺失、破损或堵塞', 1, 'working_days', '雨水箅子更换或疏通')],
  },
  {
    kind: 'component',
    code: '01037',
    weight: 3,
    responsible: 'ldc',
    says: ['{addr}路灯不亮', '{addr}路灯灯杆倾斜', '{addr}路灯白天常亮'],
    conditions: [c('路灯不亮、损坏或灯杆倾斜', 2, 'working_days', '路灯恢复正常照明，灯杆扶正')],
  },
  {
    kind: 'component',
    code: '03005',
    weight: 3,
    responsible: 'hwc',
    says: ['{addr}垃圾箱破损', '{addr}垃圾箱缺失'],
    conditions: [c('垃圾箱破损、缺失或污损', 2, 'working_days', '垃圾箱修复、更换或清洗')],
  },
  {
    kind: 'component',
    code: '04002',
    weight: 2,
    responsible: 'ylc',
    says: ['{addr}行道树倒伏', '{addr}行道树枯死', '{addr}行道树枝条遮挡信号灯'],
    conditions: [
      c('行道树倒伏、断枝，影响通行安全', 4, 'urgent_hours', '倒伏树木清理或扶正', 'A'),
      c('行道树枯死、缺株或遮挡', 5, 'working_days', '补植或修剪到位'),
    ],
  },
  {
    kind: 'component',
    code: '04011',
    weight: 1,
    responsible: 'ylc',
    says: ['{addr}树池盖板破损', '{addr}树池缺失盖板'],
    conditions: [c('树池树穴盖板破损、缺失', 5, 'working_days', '树池盖板修复')],
  },
  {
    kind: 'component',
    code: '02017',
    weight: 1,
    responsible: 'jjdd',
    says: ['{addr}交通护栏倒伏', '{addr}交通护栏破损'],
    conditions: [c('交通护栏倒伏、破损、缺失', 1, 'working_days', '护栏修复或扶正')],
  },
  {
    kind: 'component',
    code: '02010',
    weight: 1,
    responsible: 'jjdd',
    says: ['{addr}交通标志牌歪斜', '{addr}道路标线模糊'],
    conditions: [c('交通标志牌破损、歪斜或标线模糊', 5, 'working_days', '标志牌修复，标线重新施划')],
  },
  {
    kind: 'component',
    code: '03007',
    weight: 1,
    responsible: 'street',
    says: ['{addr}店招牌匾破损', '{addr}牌匾标识字迹缺损'],
    conditions: [c('牌匾标识破损、缺字或存在坠落隐患', 3, 'working_days', '牌匾修复或拆除')],
  },
];

/** The generic 立案、处置和结案标准 of a component category without a specific entry above. */
export function genericComponentConditions(name: string): DemoCondition[] {
  return [
    c(`${name}缺失、破损或功能异常`, 3, 'working_days', `${name}修复或更换，恢复正常使用`),
    c(`${name}污损、倾斜或被遮挡`, 5, 'working_days', `${name}清洁、扶正，恢复原状`),
  ];
}

/** Road names of the old town, for addresses in descriptions. */
export const ROADS = [
  '燕山路',
  '南大街',
  '北大街',
  '东大街',
  '西大街',
  '平陵路',
  '天目路',
  '昆仑路',
  '育才路',
  '罗湾路',
  '溧城路',
  '永平路',
  '新昌路',
  '鹏程路',
  '康平路',
  '大溪路',
  '中关村大道',
  '濑江路',
];
