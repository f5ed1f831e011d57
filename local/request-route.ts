import type { IncomingMessage } from 'node:http';
import { assertNever } from '../functions/core/assert-never.js';
import type { CallService } from './call-log.js';
import { ECR_TARGET_PREFIX } from './ecr/ecr-service.js';
import { SSM_TARGET_PREFIX } from './secrets/parameter-store.js';
import { SECRETS_MANAGER_TARGET_PREFIX } from './secrets/secrets-manager.js';
import { parseQueryParams, type QueryParams } from './sns/query-params.js';

/** Which door a request came through, decided from its method, path, `x-amz-target` and body. */
export type Route =
  | { readonly kind: 'admin'; readonly path: string }
  | { readonly kind: 'json'; readonly service: 'ecr' | 'secretsmanager' | 'ssm'; readonly operation: string }
  | { readonly kind: 'query'; readonly service: 'sns'; readonly operation: string; readonly params: QueryParams }
  | {
      readonly kind: 'rest';
      readonly service: 'lambda';
      readonly operation: 'CreateFunction' | 'ListFunctions' | 'GetFunction';
      /** The `{FunctionName}` path member of GetFunction. */
      readonly functionName: string | null;
    }
  | { readonly kind: 'blob'; readonly repository: string; readonly digest: string }
  | { readonly kind: 'slack'; readonly hookId: string }
  | { readonly kind: 'certificate' }
  | { readonly kind: 'unknown'; readonly reason: string };

const JSON_TARGETS: readonly (readonly [string, 'ecr' | 'secretsmanager' | 'ssm'])[] = [
  [ECR_TARGET_PREFIX, 'ecr'],
  [SECRETS_MANAGER_TARGET_PREFIX, 'secretsmanager'],
  [SSM_TARGET_PREFIX, 'ssm'],
];

/** The service and operation names a route is logged and fault-matched under. */
export const routeName = (route: Route): { service: CallService; operation: string } => {
  switch (route.kind) {
    case 'json':
    case 'query':
    case 'rest':
      return { service: route.service, operation: route.operation };
    case 'blob':
      return { service: 'blob', operation: 'GetBlob' };
    case 'slack':
      return { service: 'slack', operation: 'PostMessage' };
    case 'certificate':
      return { service: 'sns', operation: 'GetSigningCertificate' };
    case 'admin':
      return { service: 'unknown', operation: 'Admin' };
    case 'unknown':
      return { service: 'unknown', operation: 'Unknown' };
    default:
      return assertNever(route, 'route');
  }
};

/** The Lambda API's REST paths (version 2015-03-31) for the operations the endpoint implements. */
const lambdaRoute = (method: string, path: string): Route | null => {
  const prefix = '/2015-03-31/functions';
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length).replace(/^\//, '');
  if (rest === '' && method === 'POST')
    return { kind: 'rest', service: 'lambda', operation: 'CreateFunction', functionName: null };
  if (rest === '' && method === 'GET') return { kind: 'rest', service: 'lambda', operation: 'ListFunctions', functionName: null };
  if (/^[^/]+$/.test(rest) && method === 'GET') {
    return { kind: 'rest', service: 'lambda', operation: 'GetFunction', functionName: decodeURIComponent(rest) };
  }
  return { kind: 'unknown', reason: `the local endpoint does not implement Lambda ${method} ${path}` };
};

/** Classifies a request. */
export const routeRequest = (request: IncomingMessage, url: URL, body: Buffer): Route => {
  const path = url.pathname;
  if (path.startsWith('/_local/')) return { kind: 'admin', path: path.slice('/_local/'.length) };
  if (path.startsWith('/_blobs/')) {
    const rest = decodeURIComponent(path.slice('/_blobs/'.length));
    const slash = rest.lastIndexOf('/');
    if (slash <= 0) return { kind: 'unknown', reason: 'a blob URL is /_blobs/<repository>/<digest>' };
    return { kind: 'blob', repository: rest.slice(0, slash), digest: rest.slice(slash + 1) };
  }
  if (path.startsWith('/_slack/')) return { kind: 'slack', hookId: decodeURIComponent(path.slice('/_slack/'.length)) };
  if (path === '/_sns/SimpleNotificationService-local.pem') return { kind: 'certificate' };
  const lambda = lambdaRoute(request.method ?? 'GET', path);
  if (lambda !== null) return lambda;
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    for (const [prefix, service] of JSON_TARGETS) {
      if (target.startsWith(prefix)) return { kind: 'json', service, operation: target.slice(prefix.length) };
    }
    return { kind: 'unknown', reason: `unknown x-amz-target ${target}` };
  }
  const contentType = request.headers['content-type'] ?? '';
  const params =
    request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')
      ? parseQueryParams(body.toString('utf8'))
      : parseQueryParams(url.search.slice(1));
  const action = params.get('Action');
  if (action !== undefined) return { kind: 'query', service: 'sns', operation: action, params };
  return { kind: 'unknown', reason: 'neither x-amz-target nor Action' };
};
