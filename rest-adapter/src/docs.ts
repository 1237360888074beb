import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
/** swagger-ui-dist's folder, resolved without loading its 1 MB browser bundle into the server. */
const SWAGGER_UI_DIR = (require('swagger-ui-dist/absolute-path.js') as () => string)();
/** The only files of the package the page needs; nothing else of it is served. */
const ASSETS = new Set(['swagger-ui.css', 'index.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-16x16.png', 'favicon-32x32.png']);

/** Everything from this origin only: no CDN, no inline script, nothing framed or posted elsewhere. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>fixfirst REST API</title>
    <link rel="stylesheet" type="text/css" href="/docs/assets/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="/docs/assets/index.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/swagger-initializer.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the spec to validator.swagger.io.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * /docs (Swagger UI from the swagger-ui-dist package, served locally), /docs/api/openapi (the
 * committed spec as text/yaml, as the v1 document says) and /docs/api/openapi.json. Public: the
 * spec documents the API, it grants nothing.
 */
export function docsRouter(specYaml: string): Router {
  const specJson = JSON.stringify(parse(specYaml));
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', DOCS_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  router.get('/docs/api/openapi', (_req, res) => {
    res.type('text/yaml; charset=utf-8').send(specYaml);
  });
  router.get('/docs/api/openapi.json', (_req, res) => {
    res.type('application/json; charset=utf-8').send(specJson);
  });
  router.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript; charset=utf-8').send(INITIALIZER);
  });
  router.get('/docs/assets/:file', (req, res, next) => {
    const file = req.params.file;
    if (!ASSETS.has(file)) {
      next();
      return;
    }
    res.sendFile(path.join(SWAGGER_UI_DIR, file), { maxAge: '1h' });
  });
  return router;
}
