/** A query that cannot be read: `position` is the 0-based offset in the text where the problem is. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** The error text with a caret under the offending column, for terminals and hovers. */
export function formatQueryError(text: string, error: QueryError): string {
  const line = text.replace(/[\r\n\t]/g, ' ');
  return `${error.message}\n  ${line}\n  ${' '.repeat(Math.min(error.position, line.length))}^`;
}
