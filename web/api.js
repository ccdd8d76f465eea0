// @ts-check
/** The HTTP API: JSON in and out, the session cookie, errors as ApiError. */

/** An error answer from the API: {"error": {code, message, field?}}. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | undefined} [field]
   */
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {any} [body]
 * @param {{signal?: AbortSignal}} [opts]
 * @returns {Promise<any>}
 */
export async function request(method, path, body, opts = {}) {
  /** @type {RequestInit} */
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal: opts.signal,
  };
  if (body instanceof Blob) {
    // A file (a roster): sent as it is, the request's body, with its own type.
    init.headers = { ...init.headers, 'Content-Type': body.type || 'application/octet-stream' };
    init.body = body;
  } else if (body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  /** @type {any} */
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const e = data && data.error;
    if (response.status === 401) onUnauthenticated(path);
    throw new ApiError(
      response.status,
      (e && e.code) || `http-${response.status}`,
      (e && e.message) || response.statusText || 'Request failed',
      (e && e.field) || undefined,
    );
  }
  return data;
}

/** @type {(path: string) => void} */
let onUnauthenticated = () => {};
/** Called on every 401 (the app uses it to forget the cached user). @param {(path: string) => void} fn */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

/** @param {string} path @param {{signal?: AbortSignal}} [opts] */
export const get = (path, opts) => request('GET', path, undefined, opts);
/** @param {string} path @param {any} [body] */
export const post = (path, body) => request('POST', path, body ?? {});
/** POST a file as the raw body. @param {string} path @param {Blob} file */
export const upload = (path, file) => request('POST', path, file);
/** @param {string} path @param {any} body */
export const put = (path, body) => request('PUT', path, body);
/** @param {string} path */
export const del = (path) => request('DELETE', path);

/**
 * Build a query string from an object; arrays repeat the key; empty values are left out.
 * @param {Record<string, string | number | string[] | undefined | null>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) q.append(key, v);
    else if (value !== undefined && value !== null && value !== '') q.append(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
