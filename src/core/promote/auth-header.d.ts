// Types for the `auth-header` package (RFC 7235 Authorization / WWW-Authenticate parsing), which ships none.
declare module 'auth-header' {
  export interface ParsedAuthHeader {
    scheme: string;
    token: string | string[] | null;
    params: Record<string, string | string[]>;
  }
  export function parse(header: string): ParsedAuthHeader;
  export function format(
    scheme: string,
    token?: string | null,
    params?: Record<string, string | string[]>,
  ): string;
}
