import { eq } from 'drizzle-orm';
import { communityCodeOf, streetCodeOf } from '../../shared/codes/index.js';
import type { GridGeometry } from '../../shared/geo/index.js';
import { ComponentIndex, GridIndex } from '../../shared/geo/index.js';
import type { EdgeDb } from '../db/open.js';
import { components, grids } from '../db/schema.js';

interface IndexedComponent {
  id: string;
  category: string;
  lon: number;
  lat: number;
}

/**
 * 地理编码: point → unit grid (street, community) and nearest component, from the base data in edge.db.
 * Indexes are built in memory at start and rebuilt after an import (`reload()`).
 */
export class Geocoder {
  private grids: GridIndex | null = null;
  private components: ComponentIndex<IndexedComponent> | null = null;

  constructor(private readonly db: EdgeDb) {}

  reload(): { grids: number; components: number } {
    const gridRows = this.db.select({ code: grids.code, geometry: grids.geometry }).from(grids).all();
    this.grids = gridRows.length
      ? GridIndex.build(gridRows.map((g) => ({ code: g.code, geometry: JSON.parse(g.geometry) as GridGeometry })))
      : null;
    const componentRows = this.db
      .select({ id: components.id, category: components.categoryCode, lon: components.lon, lat: components.lat })
      .from(components)
      .all();
    this.components = componentRows.length ? ComponentIndex.build(componentRows) : null;
    return { grids: gridRows.length, components: componentRows.length };
  }

  /** True once grids are imported; before that a report cannot be placed in a grid. */
  get hasGrids(): boolean {
    return this.grids !== null;
  }

  locate(lon: number, lat: number): { gridCode: string; streetCode: string; communityCode: string } | undefined {
    const gridCode = this.grids?.lookup(lon, lat);
    if (!gridCode) return undefined;
    return { gridCode, streetCode: streetCodeOf(gridCode), communityCode: communityCodeOf(gridCode) };
  }

  nearestComponent(
    lon: number,
    lat: number,
    categoryCode: string,
    radiusM: number,
  ): { id: string; distanceM: number } | undefined {
    const hit = this.components?.nearest(lon, lat, categoryCode, radiusM, 1)[0];
    return hit ? { id: hit.component.id, distanceM: hit.distanceM } : undefined;
  }

  /** The owner department code recorded on a component (主管部门), used to suggest a dispatch target. */
  componentDepartment(componentId: string): string | undefined {
    return (
      this.db.select({ dept: components.deptCode }).from(components).where(eq(components.id, componentId)).get()
        ?.dept ?? undefined
    );
  }
}
