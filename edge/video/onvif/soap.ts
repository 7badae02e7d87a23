import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Why a camera request failed; each kind is a counter in the camera's health. */
export type OnvifErrorKind = 'timeout' | 'connection' | 'malformed' | 'fault' | 'http' | 'auth';

export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    message: string,
    /** The SOAP fault subcode (e.g. `wsrf-rw:ResourceUnknownFault`), when the camera sent one. */
    readonly faultCode?: string,
  ) {
    super(message);
    this.name = 'OnvifError';
  }
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

export type XmlNode = Record<string, unknown>;

/** Parses a SOAP answer into its Body (namespace prefixes stripped); malformed XML and faults throw OnvifError. */
export function parseSoap(xml: string): XmlNode {
  if (XMLValidator.validate(xml) !== true) throw new OnvifError('malformed', 'answer is not well-formed XML');
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (err) {
    throw new OnvifError('malformed', `answer is not parseable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = child(child(doc, 'Envelope'), 'Body');
  if (!body) throw new OnvifError('malformed', 'answer has no SOAP Envelope/Body');
  const fault = child(body, 'Fault');
  if (fault) {
    const code =
      text(child(child(child(fault, 'Code'), 'Subcode'), 'Value')) ?? text(child(child(fault, 'Code'), 'Value'));
    const reason = text(child(child(fault, 'Reason'), 'Text')) ?? text(child(fault, 'faultstring')) ?? 'no reason';
    throw new OnvifError('fault', `SOAP fault ${code ?? ''}: ${reason}`.replace(/\s+/g, ' ').slice(0, 300), code);
  }
  return body;
}

/** The first child element of that local name (arrays collapse to their first item). */
export function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'object' ? (first as XmlNode) : { '#text': String(first) };
}

export function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XmlNode)[name];
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map((x) => (typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': String(x) }));
}

export function text(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const t = node['#text'];
  return typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

export { escapeXml };

/** WS-Security UsernameToken with a password digest (ONVIF Core §5.12); `nowMs` is the camera's clock. */
export function wsSecurityHeader(username: string, password: string, nowMs: number): string {
  const nonce = randomBytes(16);
  const created = new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z');
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return (
    '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    `<UsernameToken><Username>${escapeXml(username)}</Username>` +
    '<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">' +
    `${digest}</Password>` +
    `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
    '</UsernameToken></Security>'
  );
}

export function envelope(header: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">' +
    `<s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

export interface PostOptions {
  timeoutMs: number;
  maxBytes?: number;
  action?: string;
  /** Aborts the request (the puller stops without waiting out a long poll). */
  signal?: AbortSignal;
}

/** POSTs a SOAP envelope; resolves with the parsed Body, rejects with an OnvifError of the right kind. */
export function postSoap(url: string, xml: string, opts: PostOptions): Promise<XmlNode> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new OnvifError('connection', `bad service address ${url.slice(0, 200)}`));
      return;
    }
    const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      {
        method: 'POST',
        headers: {
          'content-type': `application/soap+xml; charset=utf-8${opts.action ? `; action="${opts.action}"` : ''}`,
          'content-length': Buffer.byteLength(xml),
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy();
            settle(() => reject(new OnvifError('malformed', `answer larger than ${maxBytes} bytes`)));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => settle(() => reject(new OnvifError('connection', err.message))));
        res.on('end', () =>
          settle(() => {
            const body = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 401 || res.statusCode === 403)
              return reject(new OnvifError('auth', `HTTP ${res.statusCode}: credentials refused`));
            // SOAP 1.2 faults come with HTTP 400/500: parse them to learn the fault code.
            try {
              resolve(parseSoap(body));
            } catch (err) {
              if (err instanceof OnvifError && err.kind === 'malformed' && (res.statusCode ?? 0) >= 300)
                return reject(new OnvifError('http', `HTTP ${res.statusCode}`));
              reject(err);
            }
          }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      settle(() => reject(new OnvifError('timeout', `no answer within ${opts.timeoutMs} ms`)));
    }, opts.timeoutMs);
    req.on('error', (err) => settle(() => reject(new OnvifError('connection', err.message))));
    req.end(xml);
  });
}
