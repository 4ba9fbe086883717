// Starts the real front-end (src/Api) on a free loopback port for the compatibility tests.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const defaultDll = fileURLToPath(new URL('../../src/Api/bin/Release/net10.0/ServerEvents.Api.dll', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the Api with extra environment (e.g. ServerEvents__HeartbeatInterval) and resolves once it
 * answers its health endpoint. Returns { baseUrl, stop }.
 */
export async function startApi(env = {}) {
  const dll = process.env.SERVER_EVENTS_API_DLL ?? defaultDll;
  if (!existsSync(dll)) {
    throw new Error(`${dll} is missing: run 'dotnet build -c Release src/Api' first (scripts/test.sh does).`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn('dotnet', [dll, '--urls', baseUrl], {
    env: { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', chunk => { output += chunk; });
  child.stderr.on('data', chunk => { output += chunk; });
  const exited = new Promise(resolve => child.once('exit', code => resolve(code)));

  const deadline = Date.now() + 30_000;
  for (;;) {
    const code = await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 100, 'running'))]);
    if (code !== 'running') {
      throw new Error(`The Api exited with ${code}:\n${output}`);
    }
    try {
      const health = await fetch(`${baseUrl}/health`);
      if (health.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The Api did not become healthy within 30 s:\n${output}`);
    }
  }

  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
