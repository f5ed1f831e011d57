import { assertNever } from '../functions/core/assert-never.js';
import type { FaultFailure } from './faults.js';
import { jsonErrorReply, type Reply, restJsonErrorReply, s3ErrorReply, textReply, xmlErrorReply } from './http-reply.js';
import type { Route } from './request-route.js';

// Error codes from the services' API references: ECR AccessDeniedException / KmsException
// (codegen/sdk-codegen/aws-models/ecr.json), SNS AuthorizationError (403) / KMSDisabledException
// (API_Publish), Secrets Manager DecryptionFailure (API_GetSecretValue), S3 AccessDenied (403).
const permanentReply = (route: Route, kms: boolean, requestId: string): Reply | null => {
  switch (route.kind) {
    case 'json':
      if (route.service === 'ecr') {
        return kms
          ? jsonErrorReply('KmsException', 'The KMS key is disabled.', 400, requestId)
          : jsonErrorReply('AccessDeniedException', 'User is not authorized to perform this action.', 400, requestId);
      }
      if (route.service === 'secretsmanager' && kms) {
        return jsonErrorReply('DecryptionFailure', 'The KMS key is disabled.', 400, requestId);
      }
      return jsonErrorReply('AccessDeniedException', 'User is not authorized to perform this action.', 400, requestId);
    case 'query':
      return kms
        ? xmlErrorReply('KMSDisabledException', 'The KMS key is disabled.', 400, requestId)
        : xmlErrorReply('AuthorizationError', 'User is not authorized to perform SNS:Publish.', 403, requestId);
    case 'blob':
      return s3ErrorReply('AccessDenied', 'Access Denied', 403, requestId);
    case 'slack':
      return textReply(403, 'invalid_token');
    default:
      return null;
  }
};

/** The throttling, 5xx or permanent answer each front door gives when a fault rule says so. */
export const faultReply = (route: Route, failure: FaultFailure, requestId: string): Reply => {
  if (failure.kind === 'denied' || failure.kind === 'kms') {
    const reply = permanentReply(route, failure.kind === 'kms', requestId);
    if (reply !== null) return reply;
  }
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
