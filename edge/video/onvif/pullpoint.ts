import type { XmlNode } from './soap.js';
import { attr, child, children, envelope, escapeXml, OnvifError, postSoap, text, wsSecurityHeader } from './soap.js';

/** One ONVIF notification, topic without namespace prefixes (`RuleEngine/ObjectDetection/Garbage`). */
export interface CameraEvent {
  topic: string;
  /** The camera's own time of the event (its clock may be wrong: we stamp receipt time separately). */
  utcTime?: string;
  propertyOperation?: string;
  source: Record<string, string>;
  data: Record<string, string>;
}

/** Times of a subscription answer: the camera's current time and the granted termination, both camera clock. */
export interface SubscriptionTimes {
  currentTime: number;
  terminationTime: number;
}

export interface PullPointAuth {
  username: string;
  password: string;
}

const EVENTS_NS = 'http://www.onvif.org/ver10/events/wsdl';
const WSN_NS = 'http://docs.oasis-open.org/wsn/b-2';

/**
 * The PullPoint half of the ONVIF event service, written here rather than taken from the `onvif` package: its
 * event loop asks for fixed PT1M/PT2M times, re-subscribes in a tight loop after a fault (no backoff), and indexes
 * into answers without checks. These four calls time out, parse defensively and throw typed OnvifErrors.
 */
export class PullPointClient {
  constructor(
    private readonly opts: {
      timeoutMs: number;
      auth?: PullPointAuth;
      /** The camera's clock for WS-Security `Created` (our clock plus the measured offset). */
      cameraNow: () => number;
      /** Rewrites camera-advertised addresses (NAT): keeps path and query, uses the configured host. */
      rewrite?: (url: string) => string;
      signal?: AbortSignal;
    },
  ) {}

  private abort(): { signal?: AbortSignal } {
    return this.opts.signal ? { signal: this.opts.signal } : {};
  }

  private header(to?: string, action?: string): string {
    const sec = this.opts.auth
      ? wsSecurityHeader(this.opts.auth.username, this.opts.auth.password, this.opts.cameraNow())
      : '';
    return (
      sec + (action ? `<a:Action>${escapeXml(action)}</a:Action>` : '') + (to ? `<a:To>${escapeXml(to)}</a:To>` : '')
    );
  }

  async create(
    eventsUrl: string,
    terminationS: number,
  ): Promise<{ address: string; times: SubscriptionTimes | undefined }> {
    const action = `${EVENTS_NS}/EventPortType/CreatePullPointSubscriptionRequest`;
    const body = await postSoap(
      eventsUrl,
      envelope(
        this.header(eventsUrl, action),
        `<CreatePullPointSubscription xmlns="${EVENTS_NS}"><InitialTerminationTime>PT${terminationS}S</InitialTerminationTime></CreatePullPointSubscription>`,
      ),
      { timeoutMs: this.opts.timeoutMs, action, ...this.abort() },
    );
    const res = child(body, 'CreatePullPointSubscriptionResponse');
    const address = text(child(child(res, 'SubscriptionReference'), 'Address'));
    if (!address) throw new OnvifError('malformed', 'CreatePullPointSubscription answer has no subscription address');
    return { address: this.opts.rewrite ? this.opts.rewrite(address) : address, times: times(res) };
  }

  async pull(
    address: string,
    timeoutS: number,
    limit: number,
  ): Promise<{ events: CameraEvent[]; times: SubscriptionTimes | undefined }> {
    const action = `${EVENTS_NS}/PullPointSubscription/PullMessagesRequest`;
    const body = await postSoap(
      address,
      envelope(
        this.header(address, action),
        `<PullMessages xmlns="${EVENTS_NS}"><Timeout>PT${timeoutS}S</Timeout><MessageLimit>${limit}</MessageLimit></PullMessages>`,
      ),
      // The camera may hold the answer for the whole pull timeout.
      { timeoutMs: this.opts.timeoutMs + timeoutS * 1000, action, ...this.abort() },
    );
    const res = child(body, 'PullMessagesResponse');
    if (!res) throw new OnvifError('malformed', 'PullMessages answer has no PullMessagesResponse');
    return { events: children(res, 'NotificationMessage').map(notification), times: times(res) };
  }

  async renew(address: string, terminationS: number): Promise<SubscriptionTimes | undefined> {
    const action = `${WSN_NS}/SubscriptionManager/RenewRequest`;
    const body = await postSoap(
      address,
      envelope(
        this.header(address, action),
        `<Renew xmlns="${WSN_NS}"><TerminationTime>PT${terminationS}S</TerminationTime></Renew>`,
      ),
      { timeoutMs: this.opts.timeoutMs, action, ...this.abort() },
    );
    const res = child(body, 'RenewResponse');
    if (!res) throw new OnvifError('malformed', 'Renew answer has no RenewResponse');
    return times(res);
  }

  async unsubscribe(address: string): Promise<void> {
    const action = `${WSN_NS}/SubscriptionManager/UnsubscribeRequest`;
    await postSoap(address, envelope(this.header(address, action), `<Unsubscribe xmlns="${WSN_NS}"/>`), {
      timeoutMs: this.opts.timeoutMs,
      action,
      ...this.abort(),
    });
  }
}

function times(res: XmlNode | undefined): SubscriptionTimes | undefined {
  const current = Date.parse(text(child(res, 'CurrentTime')) ?? '');
  const termination = Date.parse(text(child(res, 'TerminationTime')) ?? '');
  return Number.isFinite(current) && Number.isFinite(termination)
    ? { currentTime: current, terminationTime: termination }
    : undefined;
}

/** `tns1:RuleEngine/tnsx:Garbage` → `RuleEngine/Garbage`. */
export function normaliseTopic(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((part) => part.replace(/^[^:]*:/, ''))
    .filter(Boolean)
    .join('/');
}

function simpleItems(node: XmlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of children(node, 'SimpleItem')) {
    const name = attr(item, 'Name');
    if (name) out[name.slice(0, 100)] = (attr(item, 'Value') ?? '').slice(0, 500);
  }
  return out;
}

function notification(n: XmlNode): CameraEvent {
  const msg = child(child(n, 'Message'), 'Message');
  const event: CameraEvent = {
    topic: normaliseTopic(text(child(n, 'Topic')) ?? ''),
    source: simpleItems(child(msg, 'Source')),
    data: simpleItems(child(msg, 'Data')),
  };
  const utc = attr(msg, 'UtcTime');
  if (utc) event.utcTime = utc;
  const op = attr(msg, 'PropertyOperation');
  if (op) event.propertyOperation = op;
  return event;
}
