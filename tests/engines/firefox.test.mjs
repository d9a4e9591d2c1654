// The cross-engine suite (suite.mjs) in Firefox ESR (Debian's firefox-esr, driven by selenium-webdriver
// through geckodriver).
import { defineSuite } from './suite.mjs';

defineSuite('firefox');
