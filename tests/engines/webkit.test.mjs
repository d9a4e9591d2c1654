// The cross-engine suite (suite.mjs) in WebKitGTK, Safari's engine (Debian's webkit2gtk-driver: WebKitWebDriver and MiniBrowser,
// driven by selenium-webdriver). Needs an X display: xvfb-run -a node --test tests/engines/webkit.test.mjs.
import { defineSuite } from './suite.mjs';

defineSuite('webkit');
