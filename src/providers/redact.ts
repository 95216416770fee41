/**
 * Removes secrets from any text a provider call produces (URLs, error messages, upstream
 * bodies), so a key never reaches a log line, an error or a metric label.
 */
export class Redactor {
  private readonly secrets: readonly string[];

  constructor(secrets: readonly string[]) {
    // Longest first, so a key that contains another is removed whole.
    this.secrets = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.secrets) result = result.split(secret).join('[redacted]');
    // Credentials in query strings even when we do not know the value (a key from elsewhere).
    return result.replace(/([?&](?:apikey|api_key|apiKey|token|key)=)[^&#\s"']+/g, '$1[redacted]');
  }

  url(url: URL): string {
    return this.text(url.toString());
  }
}

/** A key as operators may see it: its last 4 characters at most. */
export function maskKey(key: string): string {
  return key.length <= 4 ? '****' : `…${key.slice(-4)}`;
}
