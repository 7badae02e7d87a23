import type { Random } from './random.js';

/** A street (街道) of the demo district. */
export interface DemoStreet {
  code: string;
  name: string;
  /** 0-based, west → east. */
  index: number;
}

export interface DemoCommunity {
  code: string;
  name: string;
  streetCode: string;
}

/** A ~100 m square unit grid; bounds in WGS-84 degrees. */
export interface DemoGrid {
  code: string;
  streetCode: string;
  communityCode: string;
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface DemoDistrict {
  division: string;
  name: string;
  streets: DemoStreet[];
  communities: DemoCommunity[];
  grids: DemoGrid[];
}

export interface DistrictShape {
  division: string;
  name: string;
  /** Centre of the district (Liyang old town ≈ 119.484 E, 31.416 N). */
  centre: readonly [lon: number, lat: number];
  streets: number;
  communitiesPerStreet: number;
  /** Target number of unit grids; the layout lands within a few percent of it. */
  grids: number;
  cellM: number;
}

const STREET_NAMES = ['溧城', '古县', '昆仑', '燕山', '平陵', '濑江', '东门', '南渡', '天目', '戴埠'];
const COMMUNITY_NAMES = (
  '燕山 西门 南门 北门 东升 新华 仙鹤 罗湾 育才 中山 文化 光华 清溪 花园 永平 河口 金山 新村 濑水 湖滨 春晓 康乐 ' +
  '和平 迎春 长安 胜利 团结 前进 丰收 福田 望湖 龙潭 鸿运 城南 城北 城东 城西 桂林 紫云 凤凰 白塔 东塔 南苑 北苑 ' +
  '江南 平桥 大营 石桥 沙涨 北山 西郊 东郊 上河 下河 新桥 旧县 青峰 翠竹 杨庄 汤桥'
).split(' ');

const pad3 = (n: number) => String(n).padStart(3, '0');
// 7 decimals ≈ 1 cm: shared grid edges are computed from the same integers, so neighbours match exactly.
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

/**
 * Lays out the district as columns of streets (west → east), each a column of communities (north → south), each a
 * block of square grids numbered west → east, north → south (DOMAIN.md §5). Codes: division + street + community +
 * grid, 3 digits each.
 */
export function makeDistrict(shape: DistrictShape, random: Random): DemoDistrict {
  const perCommunity = shape.grids / (shape.streets * shape.communitiesPerStreet);
  const cellsX = Math.max(1, Math.round(Math.sqrt(perCommunity)));
  const totalRows = Math.max(shape.communitiesPerStreet, Math.round(shape.grids / (shape.streets * cellsX)));
  const rows = Array.from({ length: shape.communitiesPerStreet }, (_, j) =>
    j < totalRows % shape.communitiesPerStreet
      ? Math.floor(totalRows / shape.communitiesPerStreet) + 1
      : Math.floor(totalRows / shape.communitiesPerStreet),
  );
  const [lon0, lat0] = shape.centre;
  const dx = shape.cellM / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const dy = shape.cellM / 110_574;
  const west = lon0 - (shape.streets * cellsX * dx) / 2;
  const north = lat0 + (totalRows * dy) / 2;
  const lonAt = (i: number) => round7(west + i * dx);
  const latAt = (j: number) => round7(north - j * dy);

  const communityNames = random.shuffle([...COMMUNITY_NAMES]);
  const streets: DemoStreet[] = [];
  const communities: DemoCommunity[] = [];
  const grids: DemoGrid[] = [];
  for (let s = 0; s < shape.streets; s++) {
    const streetCode = `${shape.division}${pad3(s + 1)}`;
    const base = STREET_NAMES[s] ?? `第${s + 1}`;
    streets.push({ code: streetCode, name: `${base}街道`, index: s });
    let top = 0;
    for (let c = 0; c < shape.communitiesPerStreet; c++) {
      const communityCode = `${streetCode}${pad3(c + 1)}`;
      const n = s * shape.communitiesPerStreet + c;
      communities.push({ code: communityCode, name: `${communityNames[n] ?? `第${n + 1}`}社区`, streetCode });
      const height = rows[c] ?? 1;
      let seq = 0;
      for (let j = top; j < top + height; j++) {
        for (let i = s * cellsX; i < (s + 1) * cellsX; i++) {
          seq++;
          grids.push({
            code: `${communityCode}${pad3(seq)}`,
            streetCode,
            communityCode,
            west: lonAt(i),
            east: lonAt(i + 1),
            north: latAt(j),
            south: latAt(j + 1),
          });
        }
      }
      top += height;
    }
  }
  return { division: shape.division, name: shape.name, streets, communities, grids };
}

/** The grids as the GeoJSON FeatureCollection the grid importer reads (outer rings counter-clockwise, RFC 7946). */
export function gridsGeoJson(district: DemoDistrict): string {
  const streetNames = new Map(district.streets.map((s) => [s.code, s.name]));
  const communityNames = new Map(district.communities.map((c) => [c.code, c.name]));
  const features = district.grids.map((g) => ({
    type: 'Feature',
    properties: {
      code: g.code,
      streetName: streetNames.get(g.streetCode),
      communityName: communityNames.get(g.communityCode),
    },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [g.west, g.north],
          [g.west, g.south],
          [g.east, g.south],
          [g.east, g.north],
          [g.west, g.north],
        ],
      ],
    },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** A point strictly inside the grid (at least `margin` of its width from every edge). */
export function pointIn(grid: DemoGrid, random: Random, margin = 0.1): [number, number] {
  const lon = grid.west + (grid.east - grid.west) * random.between(margin, 1 - margin);
  const lat = grid.south + (grid.north - grid.south) * random.between(margin, 1 - margin);
  return [round7(lon), round7(lat)];
}
