/** JSON requests to the chat services; failures become ApiErrors carrying the server's message. */

/** A non-2xx answer: `{ responseStatus: { errorCode, message } }` from the server. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} message the server's message, meant for people
   * @param {number|null} retryAfterSeconds from Retry-After on 429
   */
  constructor(status, message, retryAfterSeconds) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * @param {string} url
 * @param {{ method?: string, body?: object }} [options] a body is sent as JSON
 * @returns {Promise<any>} the parsed JSON answer, or null when it is empty
 * @throws {ApiError}
 */
export async function request(url, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = parseJson(text);
  if (!response.ok) {
    const message = data?.responseStatus?.message || `${method} ${url} failed: HTTP ${response.status}`;
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(response.status, message, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return data;
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What a request that got no answer at all (the server is down, or the network) says. */
export const UNREACHABLE = 'Could not reach the server: check your connection, then send again.';

/**
 * A short sentence for the person who caused the error.
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} s.` : '';
    return `You are sending too fast.${wait}`;
  }
  // fetch rejects with a TypeError ("Failed to fetch", "NetworkError when attempting…") when no answer came back.
  if (error instanceof TypeError) return UNREACHABLE;
  return error instanceof Error ? error.message : String(error);
}
