// The Brooklet image's HEALTHCHECK: GET /ready on the broker's HTTP listener (src/http/health.ts),
// at the address the environment gives it (BROOKLET_HTTP_HOST / BROOKLET_HTTP_PORT, default
// 127.0.0.1:9080; a wildcard host is asked on loopback). Exit 0 when ready, 1 with the reason.
const host = process.env.BROOKLET_HTTP_HOST;
const address = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
const url = `http://${address}:${process.env.BROOKLET_HTTP_PORT || 9080}/ready`;
fetch(url, { signal: AbortSignal.timeout(2500) }).then(
  async (res) => {
    if (res.ok) process.exit(0);
    console.error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    process.exit(1);
  },
  (err) => {
    console.error(`${url}: ${err.message}`);
    process.exit(1);
  },
);
