// Usage: node play.mjs PAGE_URL [TIMEOUT_SECONDS]
// Opens PAGE_URL (player.html with its query) in headless Chromium (Debian's
// /usr/bin/chromium, or $CHROMIUM), waits for the page's verdict (window.__result,
// see player.js), prints it as one JSON line with the requests that failed, and exits
// 0 when the player played past its seek point, 1 when it did not, 2 on a usage error.
import puppeteer from 'puppeteer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, timeoutArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node play.mjs PAGE_URL [TIMEOUT_SECONDS]');
  process.exit(2);
}
const timeoutMs = 1000 * Number(timeoutArg || 60);
const profile = mkdtempSync(join(tmpdir(), 'loomiere-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  args: [
    '--no-sandbox',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--mute-audio',
    ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : []),
  ],
});
const failures = [];
let result;
try {
  const page = await browser.newPage();
  page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure() && r.failure().errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failures.push(`${r.url()}: HTTP ${r.status()}`); });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`console: ${m.text()}`); });
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => window.__result, { timeout: timeoutMs, polling: 100 }).catch(() => {});
  result = await page.evaluate(() => window.__result || null);
  if (!result) {
    const events = await page.evaluate(() => document.getElementById('log').textContent.split('\n').slice(-40));
    result = { ok: false, why: `no verdict within ${timeoutMs / 1000} s`, events };
  }
} catch (e) {
  result = { ok: false, why: String(e) };
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
result.failures = failures;
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
