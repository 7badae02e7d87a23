import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Permission } from '../../auth/permissions.js';
import { listCases } from '../../cases/case.queries.js';
import type { CommandName } from '../../cases/workflow.service.js';
import { DomainError } from '../../errors.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, caseIdParam, conflict, errorResponses, notFound } from '../schemas.js';
import { clockView, ctxOf, visibleCase } from './shared.js';

const json = (description: string) => ({ description, content: { 'application/json': { schema: anyObject } } });

/** URL action → service command and the permission it needs (kept beside the route so they cannot drift apart). */
const actions: { path: string; command: CommandName; access: Permission; summary: string }[] = [
  { path: 'accept', command: 'accept', access: 'case.accept', summary: '受理 accept a report' },
  {
    path: 'verification-request',
    command: 'requestVerification',
    access: 'case.verify.request',
    summary: '核实 send a collector to verify',
  },
  {
    path: 'verification',
    command: 'recordVerification',
    access: 'case.verify.record',
    summary: 'record the verification result',
  },
  { path: 'file', command: 'file', access: 'case.file', summary: '立案 file the case' },
  { path: 'reject', command: 'reject', access: 'case.reject', summary: '不予立案 do not file' },
  { path: 'dispatch', command: 'dispatch', access: 'case.dispatch', summary: '派遣 dispatch to a department' },
  { path: 'sign', command: 'sign', access: 'case.sign', summary: '签收 the department signs for it' },
  { path: 'feedback', command: 'feedback', access: 'case.feedback', summary: '处置反馈 handling result' },
  {
    path: 'check-request',
    command: 'requestCheck',
    access: 'case.check.request',
    summary: '核查 send a collector to check',
  },
  { path: 'check', command: 'recordCheck', access: 'case.check.record', summary: 'record the check result' },
  { path: 'rework', command: 'rework', access: 'case.rework', summary: '返工 back to the department' },
  { path: 'close', command: 'close', access: 'case.close', summary: '结案 close' },
  {
    path: 'special-requests',
    command: 'requestSpecial',
    access: 'case.special.request',
    summary: 'request 回退/延期/缓办/作废/挂账',
  },
  {
    path: 'special-decisions',
    command: 'decideSpecial',
    access: 'case.special.decide',
    summary: 'approve or deny a special request',
  },
  { path: 'resume', command: 'resume', access: 'case.resume', summary: 'end 缓办' },
  { path: 'restore', command: 'restore', access: 'case.resume', summary: 'end 挂账' },
  { path: 'urge', command: 'urge', access: 'case.urge', summary: '督办 urge' },
];

export function caseRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/cases',
      summary: 'case queues, sorted by time left',
      responses: { 200: json('a page of cases with their running clock and traffic light'), ...errorResponses },
    },
    (c) => {
      const p = c.get('principal');
      if (!p) throw new DomainError('unauthenticated', 'log in first');
      const page = listCases(s.db, p, c.req.query(), s.config.calendar, s.config.thresholds, s.now());
      return c.json(page, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/cases/{id}',
      summary: 'one case: state, clocks with traffic lights, timeline, conflicts',
      request: { params: caseIdParam },
      responses: { 200: json('the case'), ...errorResponses, ...notFound },
    },
    (c) => {
      const state = visibleCase(s, c.get('principal'), c.req.valid('param').id);
      return c.json({ case: state, clocks: clockView(s, state) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/cases/{id}/events',
      summary: 'the case’s event log',
      request: { params: caseIdParam },
      responses: { 200: json('events in fold order'), ...errorResponses, ...notFound },
    },
    (c) => {
      const id = c.req.valid('param').id;
      const p = c.get('principal');
      visibleCase(s, p, id);
      // The reporter's name and phone are for the desk that calls back (seed 003 art. 49), not for everyone.
      const mayContact = p?.role === 'operator' || p?.role === 'shift_lead' || p?.role === 'admin';
      const events = s.store
        .loadEvents(id)
        .map((e) =>
          e.type === 'reported' && !mayContact && e.payload.reporter
            ? { ...e, payload: { ...e.payload, reporter: { redacted: true } } }
            : e,
        );
      return c.json({ events }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/cases/{id}/duplicates',
      summary: 'open cases of the same category nearby (duplicate suggestion before filing)',
      request: { params: caseIdParam },
      responses: { 200: json('candidates, nearest first'), ...errorResponses, ...notFound },
    },
    (c) => {
      const id = c.req.valid('param').id;
      visibleCase(s, c.get('principal'), id);
      return c.json({ duplicates: s.intake.duplicates(ctxOf(c), id) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'case.dispatch',
    {
      method: 'get',
      path: '/api/v1/cases/{id}/dispatch-suggestion',
      summary: 'the department to dispatch to: component owner, else the responsibility table',
      request: { params: caseIdParam },
      responses: { 200: json('{suggestion: {departmentId, name, basis} | null}'), ...errorResponses, ...notFound },
    },
    (c) => c.json({ suggestion: s.workflow.suggestDepartment(ctxOf(c), c.req.valid('param').id) }, 200),
  );

  for (const a of actions) {
    defineRoute(
      app,
      registry,
      a.access,
      {
        method: 'post',
        path: `/api/v1/cases/{id}/${a.path}`,
        summary: a.summary,
        request: {
          params: caseIdParam,
          body: { content: { 'application/json': { schema: anyObject } }, required: false },
        },
        responses: { 200: json('the case after the step'), ...errorResponses, ...notFound, ...conflict },
      },
      async (c) => {
        const id = c.req.valid('param').id;
        const body = await c.req.json().catch(() => {
          throw new DomainError('invalid', 'body: must be a JSON object', 'body');
        });
        const state = s.workflow.run(ctxOf(c), id, a.command, body);
        return c.json({ case: state, clocks: clockView(s, state) }, 200);
      },
    );
  }

  defineRoute(
    app,
    registry,
    'ledger.read',
    {
      method: 'get',
      path: '/api/v1/ledgers/{op}',
      summary: '台帐: every request of one special operation with its decision',
      request: { params: z.object({ op: z.enum(['return', 'extension', 'postpone', 'void', 'ledger']) }) },
      responses: { 200: json('ledger rows, newest first'), ...errorResponses },
    },
    (c) => c.json({ rows: s.ledger(c.req.valid('param').op) }, 200),
  );
}
