// Calls the API with the token kept in sessionStorage; a 401 sends the user back to sign-in.
const TOKEN_KEY = 'distillguard.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Builds a query string from an object, skipping empty values. */
export function qs(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${session.token() ?? ''}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    session.clear();
    if (location.hash !== '#/signin') location.hash = '#/signin';
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new ApiError(response.status, body.error?.code ?? 'DG_ERR_HTTP', body.error?.message ?? response.statusText);
  }
  if (options.raw) return response;
  return response.status === 204 ? null : response.json();
}

let who = { token: null, me: null };

/** The signed-in principal (`{ name, role }`), asked once per token. */
export async function me() {
  const token = session.token();
  if (!token) return null;
  if (who.token !== token) who = { token, me: api('/v1/me').catch(() => null) };
  return who.me;
}
