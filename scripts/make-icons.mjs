// Renders the app's PNG icons (192 and 512 px, for the web app manifest) from
// web-viewer/src/icon.svg with Debian's Chromium. Run after changing the SVG:
//   node scripts/make-icons.mjs   (from the repository, after `npm ci` in web-viewer/)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'web-viewer/package.json'));
const { chromium } = require('playwright-core');
const svg = readFileSync(path.join(repo, 'web-viewer/src/icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: path.join(repo, `web-viewer/src/icon-${size}.png`), omitBackground: true });
  await page.close();
}
await browser.close();
