// The print pages in a real browser: Chromium prints each to an A4 PDF, and the PDF's text
// (pdftotext, from poppler-utils) says what a standee needs. axe checks the pages at 360×640
// and 1280×800, as people will also open them on a screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, axeViolations } from './harness.js';

let server;
let browser;
let folder;

before(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'hue-map-print-'));
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Prints `url` to an A4 PDF and returns its text and page count. */
async function printed(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(server.base + url);
  assert.equal(response.status(), 200);
  const file = path.join(folder, 'page.pdf');
  writeFileSync(file, await page.pdf({ format: 'A4', printBackground: true }));
  await context.close();
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())[1]);
  return { text: text.replace(/\s+/g, ' '), pages };
}

test("a commune's page prints on one A4 sheet with its name, seat, lineage, nearby points and QR link", async () => {
  const { text, pages } = await printed('/print/communes/19753');
  assert.equal(pages, 1);
  for (const expected of ['Phường Phú Xuân', 'Thành phố Huế · từ ngày 1/7/2025', 'Trụ sở Phường Phú Xuân', '394 Đinh Tiên Hoàng',
    'Hình thành từ', 'Phường Tây Lộc', 'Phường Đông Ba', 'Điểm đại lý dịch vụ công gần đây', 'Quét mã để xem bản đồ trực tuyến']) {
    assert.ok(text.includes(expected), `"${expected}" is not in the printed page: ${text}`);
  }
  // The QR code's link is written under it, for those who type (it may wrap on the page).
  assert.ok(text.replace(/\s/g, '').includes(`${server.base}/?commune=19753&lang=vi`), text);
  // An approximate seat says so, rather than pass its point off as the building.
  assert.ok(text.includes('Vị trí trên bản đồ là gần đúng'), text);
});

test("in English, and for one office, the page says the same in the reader's words", async () => {
  const commune = await printed('/print/communes/19789?lang=en');
  for (const expected of ['Phường Thuận Hoá', 'Huế City · from 1 July 2025', 'Formed from', 'Phường Vĩnh Ninh', 'Scan for the live map']) {
    assert.ok(commune.text.includes(expected), `"${expected}" is not in: ${commune.text}`);
  }
  const office = await printed('/print/offices/seat-19789');
  assert.equal(office.pages, 1);
  assert.ok(office.text.includes('Trụ sở Phường Thuận Hoá') && office.text.includes('2 Lê Hồng Phong'), office.text);
});

test('axe finds no violations in the print pages at 360×640 and 1280×800', async () => {
  for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
    for (const url of ['/print/communes/19753', '/print/communes/19789?lang=en', '/print/offices/seat-19789']) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(server.base + url);
      assert.deepEqual(await axeViolations(page), [], `${url} at ${viewport.width}×${viewport.height}`);
      await context.close();
    }
  }
});
