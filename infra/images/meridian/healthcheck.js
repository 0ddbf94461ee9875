// Health check of a Meridian service's container (infra/compose/compose.yaml):
//   node /meridian/infra/images/meridian/healthcheck.js
// exits 0 when the service's GET /health, on its own MERIDIAN_HTTP_PORT, answers 200
// (every dependency up), and 1 otherwise.
'use strict';
const port = process.env.MERIDIAN_HTTP_PORT;
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
