import type { IncomingMessage } from 'node:http';
import { jsonErrorReply, type Reply, xmlErrorReply } from './http-reply.js';
import type { Route } from './request-route.js';

/** Why an AWS API request is not authenticated, or null. Signatures are never verified. */
export const authProblem = (request: IncomingMessage, url: URL): 'missing' | 'malformed' | null => {
  const header = request.headers.authorization;
  if (header === undefined) return url.searchParams.has('X-Amz-Signature') ? null : 'missing';
  return header.startsWith('AWS4-HMAC-SHA256 ') && header.includes('Credential=') && header.includes('Signature=')
    ? null
    : 'malformed';
};

/** The error each protocol answers an unauthenticated request with. */
export const authReply = (route: Route, problem: 'missing' | 'malformed', requestId: string): Reply => {
  if (route.kind === 'query') {
    return problem === 'missing'
      ? xmlErrorReply('MissingAuthenticationToken', 'Request is missing Authentication Token', 403, requestId)
      : xmlErrorReply(
          'IncompleteSignature',
          'The request signature does not conform to AWS standards (AWS4-HMAC-SHA256).',
          400,
          requestId,
        );
  }
  return problem === 'missing'
    ? jsonErrorReply('MissingAuthenticationTokenException', 'Missing Authentication Token', 400, requestId)
    : jsonErrorReply(
        'IncompleteSignatureException',
        'The request signature does not conform to AWS standards (AWS4-HMAC-SHA256).',
        400,
        requestId,
      );
};
