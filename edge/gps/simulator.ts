import mqtt, { type MqttClient } from 'mqtt';
import { haversineRaw } from '../../shared/geo/distance.js';
import type { FenceInput } from '../../shared/geofence/index.js';
import { formatTopic, owntracksDeviceKey, vehicleDeviceKey } from '../../shared/mqtt/index.js';
import type { DeviceInput } from './tracks.store.js';

/** A street graph: nodes are grid-boundary vertices, edges the boundary segments (unit grids follow streets). */
export interface StreetGraph {
  lon: Float64Array;
  lat: Float64Array;
  adj: number[][];
}

type Ring = readonly (readonly number[])[];

/** Builds the graph from grid polygons (GeoJSON Polygon/MultiPolygon as stored in edge.db `grids.geometry`). */
export function streetGraph(geometries: readonly string[]): StreetGraph {
  const index = new Map<string, number>();
  const lon: number[] = [];
  const lat: number[] = [];
  const adj: Set<number>[] = [];
  const node = (p: readonly number[]): number => {
    const x = p[0] ?? 0;
    const y = p[1] ?? 0;
    const key = `${x.toFixed(6)},${y.toFixed(6)}`;
    let i = index.get(key);
    if (i === undefined) {
      i = lon.length;
      index.set(key, i);
      lon.push(x);
      lat.push(y);
      adj.push(new Set());
    }
    return i;
  };
  for (const text of geometries) {
    let g: { type: string; coordinates: unknown };
    try {
      g = JSON.parse(text) as typeof g;
    } catch {
      continue;
    }
    const polygons = (
      g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
    ) as Ring[][];
    for (const rings of polygons) {
      const outer = rings[0];
      if (!outer) continue;
      for (let k = 1; k < outer.length; k++) {
        const a = node(outer[k - 1] as number[]);
        const b = node(outer[k] as number[]);
        if (a === b) continue;
        adj[a]?.add(b);
        adj[b]?.add(a);
      }
    }
  }
  return { lon: Float64Array.from(lon), lat: Float64Array.from(lat), adj: adj.map((s) => [...s]) };
}

/** mulberry32: the simulation is the same on every start (same seed). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Mode = 'wander' | 'route';

interface Walker {
  deviceKey: string;
  topic: string;
  owntracks: boolean;
  speedKmh: number;
  mode: Mode;
  /** For `route`: the node path walked back and forth. */
  route?: number[];
  routePos: number;
  routeDir: 1 | -1;
  prev: number;
  from: number;
  to: number;
  /** Metres travelled along the current edge. */
  along: number;
}

export interface SimulatorPlan {
  devices: DeviceInput[];
  fences: FenceInput[];
}

export interface SimulatorOptions {
  vehicles: number;
  collectors: number;
  hz: number;
  seed: number;
  district: string;
}

/**
 * Simulated vehicles and collectors for the demo (npm start): sanitation and enforcement vehicles wander the street
 * graph, muck trucks shuttle along an approved route (one of them ignores it and raises off-route), collectors walk.
 * One MQTT connection publishes every device's topic at `hz`; cheap enough for 60 vehicles at 1 Hz on one core.
 */
export class Simulator {
  private readonly walkers: Walker[] = [];
  private readonly random: () => number;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly plan: SimulatorPlan;

  constructor(
    private readonly graph: StreetGraph,
    private readonly o: SimulatorOptions,
    private readonly now: () => number,
  ) {
    this.random = rng(o.seed);
    this.plan = this.build();
  }

  private pickNode(): number {
    const n = this.graph.adj.length;
    for (let tries = 0; tries < 100; tries++) {
      const i = Math.floor(this.random() * n);
      if ((this.graph.adj[i]?.length ?? 0) >= 2) return i;
    }
    return 0;
  }

  /** A simple path of about `edges` edges from `start`, never revisiting a node. */
  private path(start: number, edges: number): number[] {
    const path = [start];
    const seen = new Set(path);
    let at = start;
    for (let k = 0; k < edges; k++) {
      const options = (this.graph.adj[at] ?? []).filter((n) => !seen.has(n));
      if (options.length === 0) break;
      at = options[Math.floor(this.random() * options.length)] as number;
      path.push(at);
      seen.add(at);
    }
    return path;
  }

  private build(): SimulatorPlan {
    const { vehicles, collectors, district } = this.o;
    const devices: DeviceInput[] = [];
    const fences: FenceInput[] = [];
    if (this.graph.adj.length === 0) return { devices, fences };
    const muck = Math.max(0, Math.min(vehicles, Math.round(vehicles * 0.2)));
    const route = this.path(this.pickNode(), 40);
    if (muck > 0 && route.length >= 2) {
      fences.push({
        id: 'demo-muck-route-01',
        name: '渣土车核准路线 (approved muck route) 01',
        kind: 'route',
        groups: ['muck-permit-demo'],
        geometry: {
          type: 'LineString',
          coordinates: route.map((n) => [this.graph.lon[n] as number, this.graph.lat[n] as number]),
        },
        halfWidthM: 40,
        rules: { offRoute: true, raiseIntakeCandidate: true, speedLimitKmh: 40 },
      });
    }
    for (let i = 0; i < vehicles; i++) {
      const id = `demo-v${String(i + 1).padStart(3, '0')}`;
      const isMuck = i < muck;
      const rogue = isMuck && i === muck - 1 && muck > 1;
      const group = isMuck ? 'muck-permit-demo' : i % 3 === 0 ? 'enforcement' : 'sanitation';
      const label = isMuck ? '渣土车' : group === 'enforcement' ? '执法车' : '环卫车';
      devices.push({
        deviceKey: vehicleDeviceKey(id),
        kind: 'vehicle',
        subjectId: `苏D·${String(10_000 + i * 37).slice(-5)}`,
        name: `${label} ${id}`,
        group,
      });
      const onRoute = isMuck && !rogue && route.length >= 2;
      const start = onRoute
        ? (route[Math.floor(this.random() * route.length)] as number)
        : rogue
          ? (route[0] as number)
          : this.pickNode();
      this.walkers.push(
        this.walker(
          vehicleDeviceKey(id),
          formatTopic('vehiclePosition', { district, vehicleId: id }),
          false,
          isMuck ? 25 + this.random() * 10 : 12 + this.random() * 25,
          onRoute ? 'route' : 'wander',
          start,
          onRoute ? route : undefined,
        ),
      );
    }
    for (let i = 0; i < collectors; i++) {
      const user = `collector${i + 1}`;
      devices.push({
        deviceKey: owntracksDeviceKey(user, 'phone'),
        kind: 'collector',
        subjectId: user,
        name: `采集员 ${user}`,
        group: 'collectors',
      });
      this.walkers.push(
        this.walker(
          owntracksDeviceKey(user, 'phone'),
          `owntracks/${user}/phone`,
          true,
          4 + this.random() * 2,
          'wander',
          this.pickNode(),
        ),
      );
    }
    return { devices, fences };
  }

  private walker(
    deviceKey: string,
    topic: string,
    owntracks: boolean,
    speedKmh: number,
    mode: Mode,
    start: number,
    route?: number[],
  ): Walker {
    const w: Walker = {
      deviceKey,
      topic,
      owntracks,
      speedKmh,
      mode,
      routePos: route ? Math.max(0, route.indexOf(start)) : 0,
      routeDir: 1,
      prev: -1,
      from: start,
      to: start,
      along: 0,
      ...(route ? { route } : {}),
    };
    w.to = this.nextNode(w);
    return w;
  }

  private nextNode(w: Walker): number {
    if (w.mode === 'route' && w.route && w.route.length >= 2) {
      if (w.routePos + w.routeDir < 0 || w.routePos + w.routeDir >= w.route.length)
        w.routeDir = w.routeDir === 1 ? -1 : 1;
      w.routePos += w.routeDir;
      return w.route[w.routePos] as number;
    }
    const options = this.graph.adj[w.from] ?? [];
    const forward = options.filter((n) => n !== w.prev);
    const pool = forward.length > 0 ? forward : options;
    return pool.length > 0 ? (pool[Math.floor(this.random() * pool.length)] as number) : w.from;
  }

  /** Advances every walker by `dtS` seconds; returns the messages to publish. */
  step(dtS: number, at: number): { topic: string; payload: string }[] {
    const { lon, lat } = this.graph;
    const out: { topic: string; payload: string }[] = [];
    for (const w of this.walkers) {
      let left = (w.speedKmh / 3.6) * dtS;
      let guard = 0;
      while (left > 0 && guard++ < 50) {
        const len = haversineRaw(
          lon[w.from] as number,
          lat[w.from] as number,
          lon[w.to] as number,
          lat[w.to] as number,
        );
        if (w.along + left < len) {
          w.along += left;
          left = 0;
        } else {
          left -= len - w.along;
          w.along = 0;
          w.prev = w.from;
          w.from = w.to;
          w.to = this.nextNode(w);
          if (w.to === w.from) break;
        }
      }
      const len = haversineRaw(lon[w.from] as number, lat[w.from] as number, lon[w.to] as number, lat[w.to] as number);
      const t = len > 0 ? w.along / len : 0;
      const x = (lon[w.from] as number) + ((lon[w.to] as number) - (lon[w.from] as number)) * t;
      const y = (lat[w.from] as number) + ((lat[w.to] as number) - (lat[w.from] as number)) * t;
      const dx = ((lon[w.to] as number) - (lon[w.from] as number)) * Math.cos((y * Math.PI) / 180);
      const dy = (lat[w.to] as number) - (lat[w.from] as number);
      const heading = Math.round(((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360);
      const speed = Math.round(w.speedKmh * (0.85 + this.random() * 0.3) * 10) / 10;
      const lonR = Math.round(x * 1e6) / 1e6;
      const latR = Math.round(y * 1e6) / 1e6;
      const payload = w.owntracks
        ? {
            _type: 'location',
            tid: 'cj',
            lat: latR,
            lon: lonR,
            tst: Math.floor(at / 1000),
            acc: 8,
            vel: Math.round(speed),
            cog: heading,
            batt: 80,
            conn: 'm',
            t: 't',
          }
        : { ts: at, lat: latR, lon: lonR, speed, heading, acc: 5, sats: 12 };
      out.push({ topic: w.topic, payload: JSON.stringify(payload) });
    }
    return out;
  }

  async start(brokerUrl: string): Promise<void> {
    const client = mqtt.connect(brokerUrl, {
      clientId: `wanmi-demo-simulator-${process.pid}`,
      clean: true,
      reconnectPeriod: 2000,
    });
    this.client = client;
    const periodMs = Math.round(1000 / this.o.hz);
    let last = this.now();
    let tickN = 0;
    this.timer = setInterval(() => {
      const at = this.now();
      const dt = Math.min(10, Math.max(0, (at - last) / 1000));
      last = at;
      tickN += 1;
      if (!client.connected) return;
      for (const m of this.step(dt, at)) {
        // OwnTracks phones report every few seconds, not every tick.
        if (m.topic.startsWith('owntracks/') && tickN % 5 !== 0) continue;
        client.publish(m.topic, m.payload, { qos: 1 });
      }
    }, periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client) await new Promise<void>((r) => client.end(false, {}, () => r()));
  }
}
