/**
 * The one line a person (and a script: tests grep for `brooklet ready on`) reads to know the broker
 * is up and where everything is:
 *   brooklet ready on 127.0.0.1:9092 · console http://127.0.0.1:9080/ · metrics http://127.0.0.1:9080/metrics
 * Kafka's address first (with the named listeners when there are several), then every other
 * endpoint that is on; an endpoint that is off (null) is left out.
 */
export function readyLine(kafka: string, endpoints: readonly (readonly [name: string, url: string | null | undefined])[]): string {
  const rest = endpoints.filter(([, url]) => url).map(([name, url]) => ` · ${name} ${url}`).join('');
  return `brooklet ready on ${kafka}${rest}`;
}
