// fetch() with the server's error message, not a bare status code, when something goes wrong.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(`Could not reach the bpflab server (${e.message}). Is it running?`, 0);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = data && (data.message || data.error || data.detail || data.title);
    throw new ApiError(detail || `${method} ${path} failed: HTTP ${response.status}${text && !data ? ` — ${text.slice(0, 200)}` : ''}`, response.status);
  }
  return data;
}
