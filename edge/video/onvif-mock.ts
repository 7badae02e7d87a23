import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the mock answers SOAP calls: as a camera should, or with one of the failures seen in the field. */
export type MockMode = 'ok' | 'malformed' | 'fault' | 'hang';
export type SnapshotMode = 'jpeg' | 'html' | 'missing' | 'hang';

export interface OnvifMockOptions {
  port?: number;
  /** What GetStreamUri answers (e.g. the GStreamer test server's URL; a function when known only later). */
  rtspUrl: string | (() => string);
  /** Longest subscription the mock grants, whatever is asked (cameras cap it too). */
  maxTerminationS?: number;
  /** Longest a PullMessages call is held when no message is waiting. */
  pullHoldMaxMs?: number;
  ptz?: boolean;
  /** Snapshot colour, so tests and demos can tell cameras apart. */
  colour?: { r: number; g: number; b: number };
}

interface Subscription {
  id: string;
  expiresAt: number; // mock clock
  queue: string[];
  waiter: (() => void) | null;
}

const SOAP_NS =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" ' +
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" ' +
  'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" ' +
  'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa="http://www.w3.org/2005/08/addressing" ' +
  'xmlns:tns1="http://www.onvif.org/ver10/topics"';
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${SOAP_NS}><s:Body>${body}</s:Body></s:Envelope>`;
const fault = (subcode: string, reason: string) =>
  envelope(
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const esc = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

/**
 * An ONVIF Profile S device written by us: device, media, PTZ and event services with canned answers, a
 * snapshot URI, PullPoint subscriptions that expire, and knobs for the failures cameras show in the field
 * (malformed XML, SOAP faults, silence, a reboot that drops subscriptions and resets the clock). Used by the tests
 * and by `npm start` for its demo cameras.
 */
export class OnvifMock {
  mode: MockMode = 'ok';
  snapshotMode: SnapshotMode = 'jpeg';
  /** Offset of the mock's clock from ours (a reboot without RTC resets it). */
  clockOffsetMs = 0;
  /** The preset the PTZ head last moved to. */
  lastPreset: string | null = null;
  /** Calls answered, by action (tests assert renewals and re-subscriptions). */
  readonly calls = new Map<string, number>();
  private readonly subs = new Map<string, Subscription>();
  private server: Server | null = null;
  private snapshotJpeg: Promise<Buffer> | null = null;
  private readonly hung = new Set<ServerResponse>();
  port = 0;

  constructor(private readonly opts: OnvifMockOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/onvif/device_service`;
  }
  get snapshotUrl(): string {
    return `http://127.0.0.1:${this.port}/snapshot.jpg`;
  }
  get activeSubscriptions(): number {
    return [...this.subs.values()].filter((s) => s.expiresAt > this.now()).length;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.subs.values()) s.waiter?.();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queues a notification on every live subscription (e.g. garbage detected). */
  emit(
    topic: string,
    data: Record<string, string> = {},
    source: Record<string, string> = { VideoSourceToken: 'VideoSource_1' },
  ): void {
    const items = (o: Record<string, string>) =>
      Object.entries(o)
        .map(([k, v]) => `<tt:SimpleItem Name="${esc(k)}" Value="${esc(v)}"/>`)
        .join('');
    const msg =
      `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${esc(topic)}</wsnt:Topic>` +
      `<wsnt:Message><tt:Message UtcTime="${iso(this.now())}" PropertyOperation="Changed">` +
      `<tt:Source>${items(source)}</tt:Source><tt:Data>${items(data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`;
    for (const s of this.subs.values()) {
      if (s.expiresAt <= this.now()) continue;
      s.queue.push(msg);
      s.waiter?.();
    }
  }

  /** Every subscription ends now (as if the camera ran out its termination times). */
  expireSubscriptions(): void {
    for (const s of this.subs.values()) {
      s.expiresAt = 0;
      s.waiter?.();
    }
  }

  /** A reboot: subscriptions are gone and the clock restarts (default: 2000-01-01, a camera without RTC). */
  reboot(opts: { clock?: number } = {}): void {
    for (const s of this.subs.values()) s.waiter?.();
    this.subs.clear();
    this.clockOffsetMs = (opts.clock ?? Date.UTC(2000, 0, 1)) - Date.now();
  }

  private count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'GET' && path === '/snapshot.jpg') return await this.snapshot(res);
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const body = await readBody(req);
      const action = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1] ?? 'unknown';
      this.count(action);
      // GetSystemDateAndTime stays honest in every mode, as on real cameras whose other services break.
      if (this.mode === 'hang' && action !== 'GetSystemDateAndTime') {
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      }
      if (this.mode === 'malformed' && action !== 'GetSystemDateAndTime')
        return this.reply(res, 200, '<?xml version="1.0"?><s:Envelope><s:Body><Broken></s:Envelope');
      if (this.mode === 'fault' && action !== 'GetSystemDateAndTime')
        return this.reply(res, 400, fault('ter:ActionNotSupported', 'mock camera in fault mode'));
      const subId = /^\/onvif\/subscription\/([\w-]+)$/.exec(path)?.[1];
      if (subId) return await this.subscriptionCall(res, subId, action, body);
      const answer = this.answer(action, body);
      if (answer === null) return this.reply(res, 400, fault('ter:ActionNotSupported', `${action} not supported`));
      this.reply(res, 200, envelope(answer));
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  }

  private reply(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(xml);
  }

  private async snapshot(res: ServerResponse): Promise<void> {
    this.count('snapshot');
    if (this.snapshotMode === 'missing') return void res.writeHead(404).end('not found');
    if (this.snapshotMode === 'hang') {
      this.hung.add(res);
      return;
    }
    if (this.snapshotMode === 'html')
      return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html><body>login required</body></html>');
    this.snapshotJpeg ??= import('sharp').then(({ default: sharp }) =>
      sharp({
        create: { width: 320, height: 180, channels: 3, background: this.opts.colour ?? { r: 40, g: 110, b: 160 } },
      })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(await this.snapshotJpeg);
  }

  private base(): string {
    return `http://127.0.0.1:${this.port}/onvif`;
  }

  private answer(action: string, body: string): string | null {
    const b = this.base();
    switch (action) {
      case 'GetSystemDateAndTime': {
        const d = new Date(this.now());
        return (
          '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>' +
          '<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone><tt:UTCDateTime>' +
          `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
          `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>` +
          '</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>'
        );
      }
      case 'GetServices': {
        const svc = (ns: string, path: string) =>
          `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${b}/${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
        return (
          '<tds:GetServicesResponse>' +
          svc('http://www.onvif.org/ver10/device/wsdl', 'device_service') +
          svc('http://www.onvif.org/ver10/media/wsdl', 'media_service') +
          svc('http://www.onvif.org/ver10/events/wsdl', 'events_service') +
          (this.opts.ptz ? svc('http://www.onvif.org/ver20/ptz/wsdl', 'ptz_service') : '') +
          '</tds:GetServicesResponse>'
        );
      }
      case 'GetCapabilities':
        return (
          '<tds:GetCapabilitiesResponse><tds:Capabilities>' +
          `<tt:Device><tt:XAddr>${b}/device_service</tt:XAddr></tt:Device>` +
          `<tt:Events><tt:XAddr>${b}/events_service</tt:XAddr><tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events>` +
          `<tt:Media><tt:XAddr>${b}/media_service</tt:XAddr></tt:Media>` +
          (this.opts.ptz ? `<tt:PTZ><tt:XAddr>${b}/ptz_service</tt:XAddr></tt:PTZ>` : '') +
          '</tds:Capabilities></tds:GetCapabilitiesResponse>'
        );
      case 'GetDeviceInformation':
        return (
          '<tds:GetDeviceInformationResponse><tds:Manufacturer>Wanmi</tds:Manufacturer><tds:Model>OnvifMock</tds:Model>' +
          '<tds:FirmwareVersion>1.0</tds:FirmwareVersion><tds:SerialNumber>MOCK0001</tds:SerialNumber>' +
          '<tds:HardwareId>mock</tds:HardwareId></tds:GetDeviceInformationResponse>'
        );
      case 'GetProfiles':
        return (
          '<trt:GetProfilesResponse><trt:Profiles token="Profile_1" fixed="true"><tt:Name>mainStream</tt:Name>' +
          '<tt:VideoSourceConfiguration token="VideoSourceConfig_1"><tt:Name>VSC</tt:Name><tt:UseCount>1</tt:UseCount>' +
          '<tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x="0" y="0" width="640" height="360"/></tt:VideoSourceConfiguration>' +
          '<tt:VideoEncoderConfiguration token="VideoEncoder_1"><tt:Name>VE</tt:Name><tt:UseCount>1</tt:UseCount>' +
          '<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>640</tt:Width><tt:Height>360</tt:Height></tt:Resolution>' +
          '<tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval>' +
          '<tt:BitrateLimit>800</tt:BitrateLimit></tt:RateControl><tt:H264><tt:GovLength>25</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>' +
          '</tt:VideoEncoderConfiguration>' +
          (this.opts.ptz
            ? '<tt:PTZConfiguration token="PTZ_1"><tt:Name>PTZ</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>PTZNode_1</tt:NodeToken></tt:PTZConfiguration>'
            : '') +
          '</trt:Profiles></trt:GetProfilesResponse>'
        );
      case 'GetVideoSources':
        return (
          '<trt:GetVideoSourcesResponse><trt:VideoSources token="VideoSource_1"><tt:Framerate>25</tt:Framerate>' +
          '<tt:Resolution><tt:Width>640</tt:Width><tt:Height>360</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>'
        );
      case 'GetStreamUri':
        return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${esc(typeof this.opts.rtspUrl === 'function' ? this.opts.rtspUrl() : this.opts.rtspUrl)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${esc(this.snapshotUrl)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
      case 'GetPresets':
        if (!this.opts.ptz) return null;
        return (
          '<tptz:GetPresetsResponse>' +
          '<tptz:Preset token="1"><tt:Name>路口全景</tt:Name></tptz:Preset>' +
          '<tptz:Preset token="2"><tt:Name>垃圾投放点</tt:Name></tptz:Preset>' +
          '</tptz:GetPresetsResponse>'
        );
      case 'GotoPreset': {
        const token = /PresetToken>\s*([^<]+)</.exec(body)?.[1]?.trim();
        if (!this.opts.ptz || (token !== '1' && token !== '2')) return null;
        this.lastPreset = token;
        return '<tptz:GotoPresetResponse/>';
      }
      case 'CreatePullPointSubscription': {
        const asked = parseDurationS(/InitialTerminationTime>\s*([^<]+)</.exec(body)?.[1]) ?? 60;
        const granted = Math.min(asked, this.opts.maxTerminationS ?? 60);
        const id = randomUUID();
        const now = this.now();
        this.subs.set(id, { id, expiresAt: now + granted * 1000, queue: [], waiter: null });
        return (
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${b}/subscription/${id}</wsa:Address>` +
          `</tev:SubscriptionReference><wsnt:CurrentTime>${iso(now)}</wsnt:CurrentTime><wsnt:TerminationTime>${iso(now + granted * 1000)}</wsnt:TerminationTime>` +
          '</tev:CreatePullPointSubscriptionResponse>'
        );
      }
      case 'GetEventProperties':
        return '<tev:GetEventPropertiesResponse><tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation><wsnt:FixedTopicSet>true</wsnt:FixedTopicSet></tev:GetEventPropertiesResponse>';
      default:
        return null;
    }
  }

  private async subscriptionCall(res: ServerResponse, id: string, action: string, body: string): Promise<void> {
    const sub = this.subs.get(id);
    if (!sub || sub.expiresAt <= this.now()) {
      if (sub) this.subs.delete(id);
      return this.reply(res, 400, fault('wsrf-rw:ResourceUnknownFault', 'no such subscription'));
    }
    if (action === 'Renew') {
      const asked = parseDurationS(/TerminationTime>\s*([^<]+)</.exec(body)?.[1]) ?? 60;
      const now = this.now();
      sub.expiresAt = now + Math.min(asked, this.opts.maxTerminationS ?? 60) * 1000;
      return this.reply(
        res,
        200,
        envelope(
          `<wsnt:RenewResponse><wsnt:TerminationTime>${iso(sub.expiresAt)}</wsnt:TerminationTime><wsnt:CurrentTime>${iso(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`,
        ),
      );
    }
    if (action === 'Unsubscribe') {
      this.subs.delete(id);
      return this.reply(res, 200, envelope('<wsnt:UnsubscribeResponse/>'));
    }
    if (action !== 'PullMessages') return this.reply(res, 400, fault('ter:ActionNotSupported', action));
    const timeoutS = parseDurationS(/Timeout>\s*([^<]+)</.exec(body)?.[1]) ?? 10;
    const limit = Number(/MessageLimit>\s*(\d+)</.exec(body)?.[1] ?? '10');
    if (sub.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(timeoutS * 1000, this.opts.pullHoldMaxMs ?? 1000));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        sub.waiter = done;
        res.on('close', done);
      });
      sub.waiter = null;
    }
    if (!this.subs.has(id) || sub.expiresAt <= this.now())
      return this.reply(res, 400, fault('wsrf-rw:ResourceUnknownFault', 'subscription ended'));
    const messages = sub.queue.splice(0, Math.max(1, limit));
    const now = this.now();
    this.reply(
      res,
      200,
      envelope(
        `<tev:PullMessagesResponse><tev:CurrentTime>${iso(now)}</tev:CurrentTime><tev:TerminationTime>${iso(sub.expiresAt)}</tev:TerminationTime>${messages.join('')}</tev:PullMessagesResponse>`,
      ),
    );
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy(new Error('request too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `PT10S`, `PT1M`, `PT1H30M` → seconds. */
function parseDurationS(d: string | undefined): number | undefined {
  const m = /^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)$/.exec((d ?? '').trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
