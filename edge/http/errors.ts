import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ValidationError } from '../../shared/validation.js';
import { DomainError, errorStatus } from '../errors.js';

/** The one error shape of the API: `{error: {code, message, field?}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** The single `onError`: typed domain errors map to their status; anything else is a logged 500 without details. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    // Import rejections carry every bad row (row, column, reason) so the file can be fixed in one go.
    const problems = 'problems' in err ? (err as { problems: unknown }).problems : undefined;
    const body = errorBody(err.code, err.message, err.field);
    return c.json(problems ? { error: { ...body.error, problems } } : body, errorStatus[err.code]);
  }
  if (err instanceof ValidationError) return c.json(errorBody('invalid', err.message, err.field), 400);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code =
      status === 413 ? 'too_large' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'invalid';
    return c.json(errorBody(code, err.message || 'bad request'), status);
  }
  console.error(
    JSON.stringify({ level: 'error', msg: 'unhandled', requestId: c.get('requestId'), err: String(err.stack ?? err) }),
  );
  return c.json(errorBody('internal', 'internal error; the request id is in the log', undefined), 500);
}
