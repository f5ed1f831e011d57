import { assertNever } from '../functions/core/assert-never.js';
import type { FaultFailure } from './faults.js';
import { jsonErrorReply, type Reply, restJsonErrorReply, s3ErrorReply, textReply, xmlErrorReply } from './http-reply.js';
import type { Route } from './request-route.js';

/** The throttling or 5xx answer each front door gives when a fault rule says so. */
export const faultReply = (route: Route, failure: FaultFailure, requestId: string): Reply => {
  const throttle = failure.kind === 'throttle';
  switch (route.kind) {
    case 'json': {
      if (throttle) return jsonErrorReply('ThrottlingException', 'Rate exceeded', 400, requestId);
      const code =
        route.service === 'ecr' ? 'ServerException' : route.service === 'ssm' ? 'InternalServerError' : 'InternalServiceError';
      return jsonErrorReply(code, 'The local endpoint simulated a server error.', failure.status, requestId);
    }
    case 'rest':
      return throttle
        ? restJsonErrorReply('TooManyRequestsException', 'Rate exceeded', 429, requestId)
        : restJsonErrorReply('ServiceException', 'The local endpoint simulated a server error.', failure.status, requestId);
    case 'query':
      if (throttle) return xmlErrorReply('Throttling', 'Rate exceeded', 400, requestId);
      return xmlErrorReply(
        failure.status === 503 ? 'ServiceUnavailable' : 'InternalError',
        'The local endpoint simulated a service outage.',
        failure.status,
        requestId,
      );
    case 'blob':
      return throttle
        ? s3ErrorReply('SlowDown', 'Please reduce your request rate.', 503, requestId)
        : s3ErrorReply('InternalError', 'We encountered an internal error. Please try again.', failure.status, requestId);
    case 'slack':
      return throttle
        ? textReply(429, 'rate_limited', { 'retry-after': String(failure.retryAfterSeconds) })
        : textReply(failure.status, 'internal_error');
    case 'admin':
    case 'certificate':
    case 'unknown':
      return textReply(throttle ? 429 : failure.status, throttle ? 'rate_limited' : 'internal_error');
    default:
      return assertNever(route, 'route');
  }
};
