// One small interface over three browser engines, so each cross-engine test is written once:
//   const browser = await launch('firefox');            // 'chromium' | 'firefox' | 'webkit'
//   const page = await browser.newPage();                // a 1280 x 900 viewport
//   await page.goto(url);                                // resolves once the page has loaded
//   await page.evaluate((arg) => ..., arg);              // runs in the page; awaits a promise it returns
//   await page.setViewport(390, 844);                    // the page's innerWidth x innerHeight
//   await page.screenshot('/path/x.png');
//   page.errors                                          // uncaught page errors the engine reported
//   await page.close(); await browser.close();
// Chromium: Playwright (as tests/e2e/). Firefox ESR: puppeteer-core over WebDriver BiDi.
// WebKitGTK: selenium-webdriver with WebKitWebDriver driving MiniBrowser (needs an X display:
// run under xvfb-run). Every engine is the one Debian installs (scripts/setup.sh --test); none
// is downloaded.
import { existsSync, writeFileSync } from 'node:fs';

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

/**
 * The page interface over a Playwright or puppeteer page (their APIs agree but for the
 * viewport), in its own browser context, which close() ends.
 */
function wrap(page, context, setViewport) {
  page.setDefaultTimeout(SCRIPT_TIMEOUT_MS);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    errors,
    goto: async (url) => { await page.goto(url); },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    setViewport: (width, height) => setViewport({ width, height }),
    screenshot: async (path) => { await page.screenshot({ path, fullPage: true }); },
    close: () => context.close(),
  };
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
      return wrap(page, context, (size) => page.setViewportSize(size));
    },
    close: () => browser.close(),
  };
}

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true, protocolTimeout: SCRIPT_TIMEOUT_MS });
  return {
    engine: 'firefox',
    version: await browser.version(),
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: WIDTH, height: HEIGHT });
      return wrap(page, context, (size) => page.setViewport(size));
    },
    close: () => browser.close(),
  };
}

async function launchWebKit() {
  const { Builder, Capabilities } = await import('selenium-webdriver');
  const { default: remote } = await import('selenium-webdriver/remote/index.js');
  const service = new remote.DriverService.Builder(process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver')
    .setLoopback(true).build();
  const driver = await new Builder().usingServer(await service.start()).withCapabilities(new Capabilities({
    browserName: 'MiniBrowser',
    // --full-screen hides MiniBrowser's toolbar: the window is then the viewport, and it can be
    // made narrower than the toolbar's 447 px minimum (a phone's 390 px).
    'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation', '--full-screen'] },
  })).build();
  await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
  const version = (await driver.getCapabilities()).get('browserVersion');
  const setViewport = (width, height) => driver.manage().window().setRect({ width, height });
  await setViewport(WIDTH, HEIGHT);
  return {
    engine: 'webkit',
    version,
    // One window: a new page is that window, blank and back at the default size.
    async newPage() {
      await setViewport(WIDTH, HEIGHT);
      return {
        errors: [], // WebKitWebDriver reports no page errors: the suite's in-page listener catches them
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
