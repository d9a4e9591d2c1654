// The cross-engine suite (suite.mjs) in Firefox ESR (Debian's firefox-esr, puppeteer-core over WebDriver BiDi).
import { defineSuite } from './suite.mjs';

defineSuite('firefox');
