/** The XML namespace of the SNS query API. */
export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Escapes text for an XML element body or attribute. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** `<name>escaped text</name>`. */
export const element = (name: string, text: string): string => `<${name}>${escapeXml(text)}</${name}>`;

/** The success document of a query action; `result` is the inner XML of `<ActionResult>` (null: no result element). */
export const queryResponse = (action: string, result: string | null, requestId: string): string =>
  `<?xml version="1.0"?>\n<${action}Response xmlns="${SNS_XMLNS}">${
    result === null ? '' : `<${action}Result>${result}</${action}Result>`
  }<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata></${action}Response>\n`;

/** The error document of the query protocol (`Sender` for 4xx, `Receiver` for 5xx). */
export const queryErrorResponse = (code: string, message: string, status: number, requestId: string): string =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="${SNS_XMLNS}"><Error>${element('Type', status >= 500 ? 'Receiver' : 'Sender')}${element(
    'Code',
    code,
  )}${element('Message', message)}</Error>${element('RequestId', requestId)}</ErrorResponse>\n`;
