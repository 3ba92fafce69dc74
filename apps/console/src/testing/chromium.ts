// The browser tests' Chromium (Debian's, driven by playwright-core): found once, launched the same way.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env["FLEET_TEST_CHROMIUM"] ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env["CI"] === "true") throw new Error(`${CHROMIUM} is missing; CI must install chromium`);

/** Headless Chromium and one page at the size the screenshots are taken at. */
export async function launchChromium(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  return { browser, page };
}
