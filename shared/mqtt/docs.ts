import { z } from 'zod';
import { decodeFailureMeaning, decodeFailureReasons, decodeOptionsSchema } from './decoders/types.js';
import { MAX_TOPIC_LENGTH, subscriptionsFor, type TopicDef, topicNames, topics } from './topics.js';

// Renders docs/mqtt-topics.md from the topic map and its zod schemas (through JSON Schema), so the page cannot say
// anything the code does not do. Pure: generate-docs.ts writes the file, a test compares it.

interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: string;
  readonly pattern?: string;
  readonly items?: JsonSchema;
  readonly maxItems?: number;
}

const EXAMPLE_DISTRICT = '320481';
const directionLabel = { 'device-to-edge': 'device → edge', 'edge-to-out': 'edge → out' } as const;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => `\`${s}\``;
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const literal = (v: unknown): string => code(typeof v === 'string' ? v : JSON.stringify(v));
const isPlain = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < 1e15;

function range(s: JsonSchema): string {
  const min = isPlain(s.minimum) ? s.minimum : undefined;
  const max = isPlain(s.maximum) ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` ${min} … ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return s.enum.map(literal).join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  switch (s.type) {
    case 'integer':
      return `integer${range(s)}`;
    case 'number':
      return `number${range(s)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list of ${s.items ? typeOf(s.items) : 'values'}${s.maxItems === undefined ? '' : ` (≤ ${s.maxItems})`}`;
    case 'string': {
      if (s.format === 'date-time') return 'ISO 8601 date-time with zone';
      if (s.pattern) return `string ${code(s.pattern)}`;
      const len = [s.minLength ? `≥ ${s.minLength}` : '', s.maxLength ? `≤ ${s.maxLength}` : ''].filter(Boolean);
      return len.length > 0 ? `string (${len.join(', ')} chars)` : 'string';
    }
    default:
      return s.type ?? 'any';
  }
}

function fieldTable(s: JsonSchema): string[] {
  const required = new Set(s.required ?? []);
  const rows = Object.entries(s.properties ?? {}).map(
    ([name, f]) =>
      `| ${code(name)} | ${cell(typeOf(f))} | ${yesNo(required.has(name))} | ${cell(f.description ?? '')} |`,
  );
  const unknown = s.additionalProperties === false ? 'refused (`schema`)' : 'ignored';
  return ['| field | type | required | meaning |', '|---|---|---|---|', ...rows, '', `Unknown fields: ${unknown}.`];
}

/** The property that tells the variants of a union apart (constant in each, different between them). */
function discriminator(variants: readonly JsonSchema[]): string | undefined {
  const first = variants[0]?.properties ?? {};
  return Object.keys(first).find((name) => {
    const labels = variants.map((v) => {
      const f = v.properties?.[name];
      return f && (f.const !== undefined || f.enum) ? typeOf(f) : undefined;
    });
    return labels.every((l) => l !== undefined) && new Set(labels).size === variants.length;
  });
}

function payloadSection(def: TopicDef): string[] {
  const schema = z.toJSONSchema(def.schema, { io: 'input' }) as JsonSchema;
  const variants = schema.oneOf ?? schema.anyOf;
  if (!variants) return fieldTable(schema);
  const key = discriminator(variants);
  return variants.flatMap((v) => {
    const f = key ? v.properties?.[key] : undefined;
    const label = key && f ? `${code(key)} = ${typeOf(f)}` : 'variant';
    return [`**${label}**`, '', ...fieldTable(v), ''];
  });
}

const display = (pattern: string): string => code(pattern);

function topicSection(name: (typeof topicNames)[number]): string[] {
  const def: TopicDef = topics[name];
  const facts = [
    `direction ${directionLabel[def.direction]}`,
    `QoS ${def.qos}`,
    `retained: ${yesNo(def.retained)}`,
    `last will: ${yesNo(def.lastWill)}`,
    def.decoder ? `decoder: ${code(def.decoder)}` : 'published by the edge',
  ];
  const examples = def.examples.flatMap((e) => [
    `Example — ${e.title}:`,
    '',
    '```json',
    JSON.stringify(e.payload, null, 2),
    '```',
    '',
  ]);
  return [
    `## ${def.title}`,
    '',
    `${display(def.pattern)} — topic map name ${code(name)}; ${facts.join('; ')}.`,
    '',
    def.description,
    '',
    ...payloadSection(def),
    '',
    ...examples,
  ];
}

/** The whole docs page, as committed in docs/mqtt-topics.md. */
export function renderTopicsDoc(): string {
  const summary = topicNames.map((name) => {
    const d: TopicDef = topics[name];
    return `| ${display(d.pattern)} | ${code(name)} | ${directionLabel[d.direction]} | ${d.qos} | ${yesNo(d.retained)} | ${yesNo(d.lastWill)} |`;
  });
  const subscriptions = subscriptionsFor(EXAMPLE_DISTRICT).map(
    (s) => `| ${code(s.filter)} | ${s.qos} | ${code(s.topic)} |`,
  );
  const defaults = decodeOptionsSchema.parse({});
  const options = Object.entries(defaults).map(([k, v]) => `| ${code(k)} | ${code(String(v))} |`);
  const reasons = decodeFailureReasons.map((r) => `| ${code(r)} | ${cell(decodeFailureMeaning[r])} |`);
  const lines = [
    '# MQTT topics (DESIGN.md §5)',
    '',
    '<!-- Generated from shared/mqtt/topics.ts by `node --import tsx shared/mqtt/generate-docs.ts`. Do not edit: test/unit/shared/mqtt-docs.test.ts fails when this page and the topic map differ. -->',
    '',
    "Every topic on a district appliance's broker, its payload schema (versioned `v1`, zod schemas in `shared/mqtt/payloads/`) and an example.",
    '',
    '## Conventions',
    '',
    `- Topic levels: \`<district>\` is the 6-digit division code (行政区划代码); \`<vehicleId>\`, \`<user>\`, \`<device>\` and \`<caseId>\` are 1–64 of \`A–Z a–z 0–9 _ -\`; \`<type>\` is an alarm type. Topics are at most ${MAX_TOPIC_LENGTH} characters; wildcards and empty levels never match.`,
    '- Units: coordinates WGS-84 decimal degrees (never GCJ-02/BD-09; convert for display with `shared/geo`); times epoch milliseconds UTC (OwnTracks sends seconds, decoded to ms); speeds **km/h**; headings degrees clockwise from true north; distances and accuracies metres.',
    '- Devices authenticate per device; the broker ACL lets each publish only its own topic (rendered from `firmware-config/`).',
    '- Decoded positions carry a `deviceKey`: `vehicle:<vehicleId>` or `owntracks:<user>/<device>`; enrolment maps it to a vehicle or a collector.',
    '',
    '| topic | name | direction | QoS | retained | last will |',
    '|---|---|---|---|---|---|',
    ...summary,
    '',
    '## Ingest subscriptions',
    '',
    `\`subscriptionsFor('${EXAMPLE_DISTRICT}')\` — the filters the ingest subscribes to:`,
    '',
    '| filter | QoS | topic |',
    '|---|---|---|',
    ...subscriptions,
    '',
    '## Decoding',
    '',
    'A decoder (`shared/mqtt/decoders/`) turns one payload into position fixes and device events, or rejects it with one reason; it never throws. The checks run in the order of this table:',
    '',
    '| reason | meaning |',
    '|---|---|',
    ...reasons,
    '',
    'Options (zod schema `decodeOptionsSchema`), defaults:',
    '',
    '| option | default |',
    '|---|---|',
    ...options,
    '',
    ...topicNames.flatMap(topicSection),
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
