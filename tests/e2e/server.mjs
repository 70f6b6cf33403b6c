// A tiny static file server for the end-to-end tests: serves trunk's dist/ under a sub-path
// (as a documentation site would), on loopback, and records every request it answers.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` at `basePath` (which starts and ends with '/') on 127.0.0.1, on a free port.
 * Resolves to { origin, url, requests, close }; `requests` lists { method, path, status }.
 * With `isolated`, every answer carries the headers that make the page cross-origin isolated
 * (COOP + COEP): the page loads only its own files, so it works the same, and its
 * `performance.now()` and animation-frame timestamps get 5 µs resolution instead of 100 µs —
 * what the benchmark's frame times need.
 */
export async function serveStatic(root, basePath, { isolated = false } = {}) {
  const isolation = isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const requests = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const answer = (status, headers = {}, body = '') => {
      requests.push({ method: request.method, path, status });
      response.writeHead(status, { 'cache-control': 'no-store', ...isolation, ...headers });
      response.end(body);
    };
    if (path === basePath.slice(0, -1)) {
      return answer(301, { location: basePath });
    }
    if (!path.startsWith(basePath)) {
      return answer(404, { 'content-type': 'text/plain' }, 'not under the base path\n');
    }
    let relative;
    try {
      relative = decodeURIComponent(path.slice(basePath.length)) || 'index.html';
    } catch {
      return answer(400, { 'content-type': 'text/plain' }, 'bad path\n');
    }
    const file = normalize(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) {
      return answer(403, { 'content-type': 'text/plain' }, 'outside the root\n');
    }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      const body = await readFile(target);
      const type = MIME_TYPES[extname(target)] ?? 'application/octet-stream';
      return answer(200, { 'content-type': type }, body);
    } catch {
      return answer(404, { 'content-type': 'text/plain' }, 'not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + basePath,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
