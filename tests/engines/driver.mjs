// One small interface over three browser engines, so each cross-engine test is written once:
//   const browser = await launch('firefox');            // 'chromium' | 'firefox' | 'webkit'
//   const page = await browser.newPage();                // a 1280 x 900 viewport
//   await page.goto(url);                                // resolves once the page has loaded
//   await page.evaluate((arg) => ..., arg);              // runs in the page; awaits a promise it returns
//   await page.setViewport(390, 844);                    // the page's innerWidth x innerHeight
//   await page.screenshot('/path/x.png');
//   page.errors                                          // uncaught page errors the engine reported
//   await page.close(); await browser.close();
// Chromium: Playwright (as tests/e2e/). Firefox ESR and WebKitGTK: selenium-webdriver, with
// geckodriver (cargo install, by scripts/setup.sh --test) and with WebKitWebDriver driving
// MiniBrowser (needs an X display: run under xvfb-run). Every browser is the one Debian
// installs; none is downloaded.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ENGINES = ['chromium', 'firefox', 'webkit'];
const WIDTH = 1280;
const HEIGHT = 900;
/** The longest a single evaluate may take (a whole run of the page). */
const SCRIPT_TIMEOUT_MS = 300_000;

/** MiniBrowser ships inside libwebkit2gtk (`dpkg -S MiniBrowser`), outside PATH. */
export function miniBrowserPath() {
  const candidates = [process.env.MINIBROWSER, '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/libexec/webkit2gtk-4.1/MiniBrowser',
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error(`MiniBrowser not found (tried ${candidates.filter(Boolean).join(', ')}): apt-get install webkit2gtk-driver, or set MINIBROWSER`);
  return found;
}

/** Launches `engine`; returns { engine, version, newPage(), close() }. */
export async function launch(engine) {
  if (engine === 'chromium') return launchChromium();
  if (engine === 'firefox') return launchFirefox();
  if (engine === 'webkit') return launchWebKit();
  throw new Error(`unknown engine ${engine}: one of ${ENGINES.join(', ')}`);
}

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'] });
  return {
    engine: 'chromium',
    version: browser.version(),
    async newPage() {
      const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
      const page = await context.newPage();
      page.setDefaultTimeout(SCRIPT_TIMEOUT_MS);
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      return {
        errors,
        goto: async (url) => { await page.goto(url); },
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        setViewport: (width, height) => page.setViewportSize({ width, height }),
        screenshot: async (path) => { await page.screenshot({ path, fullPage: true }); },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

/**
 * A WebDriver (classic) browser through selenium-webdriver: `driverPath` is the WebDriver server
 * (geckodriver, WebKitWebDriver) and `driverArgs` its options, `capabilities` what it should
 * start, `prepare(driver, server URL)` anything to do once it has. One window: a new page
 * is that window, back at the default size; close() blanks it.
 */
async function launchWebDriver(engine, { driverPath, driverArgs = [], capabilities, prepare }) {
  const { Builder, Capabilities } = await import('selenium-webdriver');
  const { default: remote } = await import('selenium-webdriver/remote/index.js');
  if (!existsSync(driverPath)) throw new Error(`${engine}: no WebDriver server at ${driverPath}: run scripts/setup.sh --test`);
  const service = new remote.DriverService.Builder(driverPath).addArguments(...driverArgs).setLoopback(true).build();
  const server = await service.start();
  const driver = await new Builder().usingServer(server).withCapabilities(new Capabilities(capabilities)).build();
  await prepare?.(driver, server.replace(/\/$/, ''));
  await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
  const version = (await driver.getCapabilities()).get('browserVersion');
  const window = driver.manage().window();
  /**
   * Sets the window to `rect` and waits until the resize has landed (it does so asynchronously):
   * the page sees the viewport `want`, or a window of that outer size. Returns the viewport.
   */
  const resize = async (rect, want) => {
    await window.setRect(rect);
    let size;
    for (let i = 0; i < 30; i++) {
      size = await driver.executeScript('return [innerWidth, innerHeight, outerWidth, outerHeight];');
      if ((size[0] === want[0] && size[1] === want[1]) || (size[2] === rect.width && size[3] === rect.height)) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    return size.slice(0, 2);
  };
  // The window's outer size, then corrected by the decorations it turned out to have.
  const setViewport = async (width, height) => {
    let [w, h] = await resize({ width, height }, [width, height]);
    if (w !== width || h !== height) [w, h] = await resize({ width: 2 * width - w, height: 2 * height - h }, [width, height]);
    assert.deepEqual([w, h], [width, height], `${engine}: could not make the viewport ${width} x ${height}`);
  };
  return {
    engine,
    version,
    async newPage() {
      await setViewport(WIDTH, HEIGHT);
      return {
        errors: [], // WebDriver classic reports no page errors: the suite's in-page listener catches them
        goto: (url) => driver.get(url),
        // WebDriver's Execute Script awaits a promise the script returns.
        evaluate: (fn, arg) => driver.executeScript(`return (${fn})(arguments[0]);`, arg),
        setViewport,
        screenshot: async (path) => writeFileSync(path, Buffer.from(await driver.takeScreenshot(), 'base64')),
        close: () => driver.get('about:blank'),
      };
    },
    async close() {
      await driver.quit().catch(() => {});
      await service.kill();
    },
  };
}

// Firefox through geckodriver, which speaks to it over Marionette. Not over WebDriver BiDi
// (puppeteer-core): while a BiDi session is open, Firefox ESR 153 often never starts the threads
// engine's 16 nested pool workers (the start times out after 20 s); without one, or with a
// Marionette session, they start in ~0.3 s.
const launchFirefox = () => launchWebDriver('firefox', {
  driverPath: process.env.GECKODRIVER ?? join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'geckodriver'),
  driverArgs: ['--allow-system-access'], // the chrome context, for prepare
  capabilities: {
    browserName: 'firefox',
    'moz:firefoxOptions': { binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr', args: ['-headless'] },
  },
  prepare: async (driver, server) => {
    // The browser window's own style keeps it at least 500 px wide (--window-min-width): lifted,
    // from the window's chrome context, so the viewport can be a phone's 390 px.
    const session = (await driver.getSession()).getId();
    const context = (name) => fetch(`${server}/session/${session}/moz/context`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ context: name }),
    }).then((r) => assert.ok(r.ok, `geckodriver: could not switch to the ${name} context: HTTP ${r.status}`));
    await context('chrome');
    await driver.executeScript("document.documentElement.style.setProperty('--window-min-width', '0px');");
    await context('content');
  },
});

const launchWebKit = () => {
  // Without a display MiniBrowser never starts, and the session would wait for ever.
  assert.ok(process.env.DISPLAY || process.env.WAYLAND_DISPLAY, 'WebKitGTK needs a display: run under xvfb-run -a');
  return launchWebDriver('webkit', {
    driverPath: process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver',
    capabilities: {
      browserName: 'MiniBrowser',
      // --full-screen hides MiniBrowser's toolbar: the window is then the viewport, and it can be
      // made narrower than the toolbar's 447 px minimum (a phone's 390 px).
      'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation', '--full-screen'] },
    },
  });
};
