import { z } from '@hono/zod-openapi';

/** HTTP DTOs shared by the routes (documented in the OpenAPI document). */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'invalid input', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'not logged in', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'not allowed for this role', content: { 'application/json': { schema: errorSchema } } },
} as const;

export const notFound = {
  404: { description: 'no such case', content: { 'application/json': { schema: errorSchema } } },
} as const;
export const conflict = {
  409: {
    description: 'the step is not allowed in the case’s current state',
    content: { 'application/json': { schema: errorSchema } },
  },
} as const;

/** A JSON body of any object shape validated later by the service's own schema (one source of rules). */
export const anyObject = z.record(z.string(), z.unknown()).openapi({ type: 'object' });

export const caseIdParam = z.object({
  id: z
    .string()
    .uuid({ error: 'must be a case id (UUID)' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});
