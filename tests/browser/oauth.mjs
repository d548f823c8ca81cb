// Drives the OAuth sign-in in headless Chromium: start halo-mcp (embedded sandbox, oauth mode)
// → /oauth/authorize → halo-mcp's consent page (Allow) → the sandbox's Halo sign-in page → sign
// in as "sam" → /oauth/callback → the client's redirect URI (a tiny local page) carrying code +
// state. Saves a screenshot.
// Run by .ci/browser.sh (which sets NODE_PATH, HALO_MCP_BINARY and SCREENSHOT).

import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const require = createRequire(path.resolve(process.env.NODE_PATH ?? '.', 'x.js'));
const { chromium } = require('playwright-core');

const binary = process.env.HALO_MCP_BINARY ?? 'target/debug/halo-mcp';
const screenshot = process.env.SCREENSHOT ?? '.ci/.cache/oauth-signin.png';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForServer(url, child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`halo-mcp exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('halo-mcp did not start within 30 s');
}

// A tiny page standing in for the client's redirect URI (Copilot Studio's consent service).
let finalUrl = null;
const client = http.createServer((req, res) => {
  if (req.url.startsWith('/client/callback')) finalUrl = `http://127.0.0.1:${client.address().port}${req.url}`;
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!DOCTYPE html><h1>The client received the authorization code</h1>');
});
await new Promise((resolve) => client.listen(0, '127.0.0.1', resolve));
const clientPort = client.address().port;
const clientRedirect = `http://127.0.0.1:${clientPort}/client/callback`;

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(binary, [], {
  env: {
    ...process.env,
    PORT: String(port),
    MCP_AUTH_MODE: 'oauth',
    MCP_TOKEN_KEY: randomBytes(32).toString('base64'),
    MCP_OAUTH_CLIENT_ID: 'browser-test',
    MCP_OAUTH_REDIRECT_ALLOWLIST: `http://127.0.0.1:${clientPort}/client/*`,
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

let browser;
let failed = false;
try {
  await waitForServer(`${base}/healthz`, server);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${base}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: 'browser-test',
    redirect_uri: clientRedirect,
    state: 'browser-state-42',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'halo offline_access',
  })) authorize.searchParams.set(k, v);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();

  await page.goto(authorize.toString());
  // The static client here has no secret, so it is a public client: the agent approves it on
  // halo-mcp's consent page first (its cookie and same-origin post go through Chromium).
  await page.waitForSelector('#consent-allow');
  await Promise.all([page.waitForSelector('#username'), page.click('#consent-allow')]);
  await page.fill('#username', 'sam');
  await page.fill('#password', 'sam-demo');
  await page.screenshot({ path: screenshot, fullPage: true });
  await Promise.all([
    page.waitForURL((url) => url.toString().startsWith(clientRedirect), { timeout: 15_000 }),
    page.click('#sign-in'),
  ]);

  if (!finalUrl) throw new Error('the browser never reached the client redirect URI');
  const params = new URL(finalUrl).searchParams;
  if (params.get('error')) throw new Error(`sign-in failed: ${params.get('error')}: ${params.get('error_description')}`);
  if (!params.get('code')) throw new Error(`no code in ${finalUrl}`);
  if (params.get('state') !== 'browser-state-42') throw new Error(`state not echoed: ${params.get('state')}`);

  // The code is good: exchange it (the static client here is public: PKCE only).
  const token = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: clientRedirect,
      code_verifier: verifier,
      client_id: 'browser-test',
    }),
  });
  const tokens = await token.json();
  if (!token.ok || !tokens.access_token) throw new Error(`token exchange failed: ${JSON.stringify(tokens)}`);
  console.log(`browser.sh: OAuth sign-in through Chromium passed; screenshot at ${screenshot}`);
} catch (error) {
  failed = true;
  console.error(`browser.sh: FAILED: ${error.message}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  client.close();
}
process.exit(failed ? 1 : 0);
