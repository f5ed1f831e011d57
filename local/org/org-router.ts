import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseQueryParams } from '../sns/query-params.js';
import type { Identities } from './identity.js';

/** One request the router passed on (or answered itself, for STS). */
export interface RoutedCall {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly accessKeyId: string | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: number | null;
}

/** The organization's one endpoint URL: requests go to the account and Region their signature names. */
export interface OrgRouter {
  readonly url: string;
  readonly calls: readonly RoutedCall[];
  close(): Promise<void>;
}

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch);

/** `Credential=<key>/<date>/<region>/<service>/aws4_request` of a SigV4 Authorization header. */
const credentialScope = (request: IncomingMessage): { accessKeyId: string; region: string; service: string } | null => {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header) : null;
  if (match === null) return null;
  return { accessKeyId: match[1] ?? '', region: match[2] ?? '', service: match[3] ?? '' };
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/**
 * Starts the router: STS `AssumeRole` is answered here (the member trust rule enforced by
 * {@link Identities}); every other signed request goes to the endpoint of the account its access key
 * belongs to, in the Region of its credential scope, as AWS's own endpoints would serve it. Unsigned
 * requests (admin, Slack, blob URLs) go to the central endpoint.
 */
export const startOrgRouter = async (options: {
  readonly identities: Identities;
  /** The endpoint URL of an account in a Region, or undefined where the organization has none. */
  readonly endpointOf: (account: string, region: string) => string | undefined;
  readonly centralUrl: () => string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
}): Promise<OrgRouter> => {
  const calls: RoutedCall[] = [];

  const stsReply = (body: Buffer, caller: ReturnType<Identities['callerOf']>): { status: number; xml: string } => {
    const params = parseQueryParams(body.toString('utf8'));
    const requestId = randomUUID();
    const action = params.get('Action');
    if (action !== 'AssumeRole') {
      return {
        status: 400,
        xml: `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation ${escapeXml(action ?? '')}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    const result = options.identities.assumeRole(
      caller,
      params.get('RoleArn') ?? '',
      params.get('RoleSessionName') ?? '',
      Number(params.get('DurationSeconds') ?? '3600'),
    );
    if (!result.ok) {
      return {
        status: result.status,
        xml: `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>Sender</Type><Code>${result.code}</Code><Message>${escapeXml(result.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    const { session } = result;
    return {
      status: 200,
      xml: `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey><SessionToken>${session.sessionToken}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>${escapeXml(session.assumedRoleArn)}</Arn><AssumedRoleId>AROALOCAL:${escapeXml(session.assumedRoleArn.split('/').at(-1) ?? '')}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  };

  const server = createServer((request, response) => {
    const startedAt = performance.now();
    const scope = credentialScope(request);
    const caller = options.identities.callerOf(scope?.accessKeyId ?? null);
    const region = scope?.region ?? '';
    const record = (name: string, status: number | null) =>
      calls.push({
        name,
        account: caller.account,
        region,
        accessKeyId: scope?.accessKeyId ?? null,
        startedAt,
        endedAt: performance.now(),
        status,
      });
    readBody(request)
      .then((body) => {
        if (scope?.service === 'sts') {
          const reply = stsReply(body, caller);
          response.writeHead(reply.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
          response.end(reply.xml);
          record('sts:AssumeRole', reply.status);
          return;
        }
        const target = scope === null ? options.centralUrl() : options.endpointOf(caller.account, region);
        if (target === undefined) {
          response.writeHead(403, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(
            JSON.stringify({
              __type: 'UnrecognizedClientException',
              message: `account ${caller.account} has no endpoint in ${region}`,
            }),
          );
          record(`${scope?.service ?? 'unknown'}:Unrouted`, 403);
          return;
        }
        const url = new URL(request.url ?? '/', target);
        const forwarded = httpRequest(
          url,
          { method: request.method, headers: { ...request.headers, host: url.host } },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            answer.on('end', () => {
              const operation =
                String(request.headers['x-amz-target'] ?? '')
                  .split('.')
                  .at(-1) ?? '';
              record(
                `${scope?.service ?? 'unsigned'}:${operation === '' ? (request.url ?? '') : operation}`,
                answer.statusCode ?? null,
              );
            });
          },
        );
        forwarded.on('error', () => {
          if (!response.headersSent) response.writeHead(502);
          response.end();
          record('router:Unreachable', 502);
        });
        forwarded.end(body);
      })
      .catch(() => {
        response.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
