// api.js — the one way pages talk to /api: same-origin fetch with JSON in
// and out.  Tokens never pass through here: the browser keeps them in
// HttpOnly cookies the module sets, and sends them itself.
//
// A request answered 401 because the access token expired is retried once
// after POST /api/auth/refresh (which rotates the refresh cookie).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? 'http_error';
    this.requestId = body?.error?.request_id ?? null;
    this.errors = body?.error?.errors ?? null;   // a refused import's errors (ledger, helper K)
  }
}

async function send(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  return { res, json };
}

export async function api(method, path, body) {
  let { res, json } = await send(method, path, body);
  if (res.status === 401 && json?.error?.code === 'invalid_token' && !path.startsWith('/api/auth/')) {
    const refreshed = await send('POST', '/api/auth/refresh');
    if (refreshed.res.ok) ({ res, json } = await send(method, path, body));
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}
