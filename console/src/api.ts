/** The one error shape of the edge API, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthenticated: () => void = () => {};

export function setCsrf(token: string): void {
  csrfToken = token;
}

export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

async function handle<T>(res: Response): Promise<T> {
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    if (res.status === 401) onUnauthenticated();
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.field);
  }
  return body as T;
}

/** Same-origin calls only (the console never talks to anything but its appliance). */
export const api = {
  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return handle<T>(await fetch(path, { credentials: 'same-origin', ...(signal ? { signal } : {}) }));
  },
  async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    const headers: Record<string, string> = { 'x-csrf-token': csrfToken };
    if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, credentials: 'same-origin', headers };
    if (body !== undefined) init.body = isForm ? body : JSON.stringify(body);
    return handle<T>(await fetch(path, init));
  },
  post<T>(path: string, body?: unknown): Promise<T> {
    return api.send<T>('POST', path, body ?? {});
  },
  /** Whether an optional endpoint (another feature's) exists: 404/501 → false, anything else → true. */
  async probe(path: string): Promise<boolean> {
    const res = await fetch(path, { method: 'GET', credentials: 'same-origin' });
    res.body?.cancel().catch(() => {});
    return res.status !== 404 && res.status !== 501;
  },
};
