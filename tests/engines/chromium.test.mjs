// The cross-engine suite (suite.mjs) in Chromium (Debian's chromium, Playwright): the same tests as Firefox and WebKit, a baseline for them.
import { defineSuite } from './suite.mjs';

defineSuite('chromium');
