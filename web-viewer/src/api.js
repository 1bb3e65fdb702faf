// Talking to the hue-map API, and the two helpers every screen needs. An error keeps what
// the server said: the status, its RFC 9457 problem (detail, invalid_params) and headers
// (ETag on a 412, Retry-After on a 429), so each screen can say exactly what went wrong.

export const $ = (id) => document.getElementById(id);
export const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// An answer the API gave (status 4xx/5xx), as opposed to no answer at all (network down).
export class ApiError extends Error {
  constructor(path, status, problem = {}, headers = new Headers()) {
    super(problem.detail || `${path}: ${status}`);
    this.status = status;
    this.problem = problem;
    this.headers = headers;
  }
}

/** A request; resolves to `{ data, headers }`, or throws an ApiError or a network error.
 * `body` is sent as JSON; `text` as it is (a file), under the `Content-Type` in `headers`. */
export async function request(path, { method = 'GET', body, text, token, headers = {}, cache = 'default', signal } = {}) {
  const init = { method, headers: { ...headers }, cache, signal };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] ??= 'application/json';
  } else if (text !== undefined) {
    init.body = text;
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, init);
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(path, response.status, problem, response.headers);
  }
  return { data: await response.json(), headers: response.headers };
}

/** A GET that resolves to the JSON body; `signal` can abort it (a timeout, say). */
export async function api(path, { signal } = {}) {
  return (await request(path, { signal })).data;
}

/** The fields a 422 problem names, as "field: reason" lines. */
export function invalidParams(error) {
  return (error?.problem?.invalid_params ?? []).map((p) => `${p.name}: ${p.reason}`);
}
