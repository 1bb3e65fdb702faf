// What every browser test needs: the real hue-map binary on a free port with a registry of
// its own (a fresh SQLite file in a temporary folder, never the working tree), Debian's
// Chromium driven by playwright-core, and helpers that wait for conditions, never for time.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
const binary = process.env.HUE_MAP_BIN || path.join(repo, 'target/debug/hue-map');
const data = path.join(repo, '../shared/data/hue');

/** A running server (with `extraArgs`, e.g. a basemap): its base URL, a way to issue tokens
 * for its registry, and `stop()`. */
export async function startServer(extraArgs = [], { dataDir = data } = {}) {
  const folder = mkdtempSync(path.join(tmpdir(), 'hue-map-viewer-'));
  const store = `sqlite:${path.join(folder, 'registry.db')}`;
  const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--store', store, ...extraArgs], {
    env: { ...process.env, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hue-map did not start')), 120_000);
    server.stdout.on('data', (chunk) => {
      const match = /hue-map listening on (\S+)/.exec(chunk.toString());
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    server.on('exit', (code) => reject(new Error(`hue-map exited with ${code}`)));
  });
  return {
    base,
    /** Issues a token with the real command line; it prints the token as its last line. */
    token(role, name, communes = []) {
      const args = ['token', 'create', '--role', role, '--name', name, '--store', store, '--data', data];
      for (const code of communes) args.push('--commune', code);
      return execFileSync(binary, args, { env: { ...process.env, RUST_LOG: 'warn' } }).toString().trim().split('\n').pop();
    },
    /** Freezes the server (SIGSTOP): connections open, but nothing is answered. */
    pause() {
      server.kill('SIGSTOP');
    },
    resume() {
      server.kill('SIGCONT');
    },
    stop() {
      server.kill('SIGCONT');
      server.kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // WebGL2 through ANGLE on SwiftShader; --use-gl=swiftshader would remove WebGL2.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page with the map loaded and idle, collecting console errors. The service worker is
 * blocked unless asked for: it saves some 1,400 tiles for offline use, which only the offline
 * tests need. */
export async function openMap(browser, url, viewport = { width: 1280, height: 800 }, { serviceWorkers = 'block' } = {}) {
  const context = await browser.newContext({ viewport, serviceWorkers });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await startLive(page);
  await page.waitForFunction(() => window.hueMapIdle === true, null, { timeout: 90_000 });
  return { page, errors, context };
}

/** The page opens on a still picture (still-map.js); a mouse moving over the map starts the
 * live map, as it does for a desktop user. */
export async function startLive(page) {
  const box = await page.locator('#map').boundingBox();
  // Two points: a move to where the mouse already is may not count as a movement.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2 + 5);
}

/** Waits until the map has stopped moving and drawn. */
export function mapSettled(page) {
  return page.evaluate(() => new Promise((resolve) => (window.hueMap.loaded() && !window.hueMap.isMoving() ? resolve() : window.hueMap.once('idle', resolve))));
}

/** Brings a lon/lat into view if needed, waits for the map to settle, and clicks there. */
export async function clickAt(page, lon, lat) {
  await page.evaluate(([x, y]) => {
    const map = window.hueMap;
    if (!map.getBounds().contains([x, y])) map.jumpTo({ center: [x, y] });
  }, [lon, lat]);
  await mapSettled(page);
  const point = await page.evaluate(([x, y]) => window.hueMap.project([x, y]), [lon, lat]);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
}

export async function panelText(page, expected) {
  await page.waitForFunction((text) => !document.getElementById('panel').hidden && document.getElementById('panel').textContent.includes(text), expected, { timeout: 20_000 });
  return page.textContent('#panel');
}

// axe-core runs inside the page through the DevTools protocol (page.evaluate), which the
// page's strict CSP does not block, so the page is tested exactly as served.
const axeSource = readFileSync(path.join(here, '../node_modules/axe-core/axe.min.js'), 'utf8');

export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
