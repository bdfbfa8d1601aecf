import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import type { LocalStack } from '../../scripts/local-stack'
import { browserAvailable, launchBrowser, SCREENSHOTS, startLocalStack } from '../helpers/browser'

const enabled = browserAvailable()
const describeBrowser = enabled ? describe : describe.skip

const SEED = [
  "UPDATE instance_settings SET title = 'Meadow', short_description = 'A quiet meadow for sheep.', description = 'Sheep and goats welcome.', contact_email = 'owner@meadow.example', registrations_mode = 'approval' WHERE id = 1",
  "INSERT INTO instance_rules (position, text, hint) VALUES (0, 'Be kind', 'to every creature'), (1, 'No spam', '')",
  "INSERT INTO accounts (id, username, domain, uri, display_name) VALUES ('100', 'dolly', '', 'https://meadow.example/users/dolly', 'Dolly the Sheep')",
  // 25 local posts, one a minute, so the home page has a second page.
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25)
   INSERT INTO statuses (id, uri, account_id, local, visibility, content, created_at) SELECT printf('%d', (${Date.UTC(2026, 0, 1)} + i * 86400000) * 65536), 'https://meadow.example/s/' || i, '100', 1, 'public', '<p>Post number ' || i || '</p>', strftime('%Y-%m-%dT%H:%M:%fZ', (${Date.UTC(2026, 0, 1)} + i * 86400000) / 1000.0, 'unixepoch') FROM n`,
  `INSERT INTO statuses (id, uri, account_id, local, visibility, content, spoiler_text) VALUES (printf('%d', ${Date.UTC(2026, 1, 1)} * 65536), 'https://meadow.example/s/cw', '100', 1, 'public', '<p>Shorn today<script>alert(1)</script> <a href="javascript:alert(2)">look</a></p>', 'Wool')`,
  `INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, width, height, description) VALUES ('900', '100', printf('%d', ${Date.UTC(2026, 1, 1)} * 65536), 'image', 'dolly/fleece.png', 640, 360, 'A pile of fleece')`,
]

const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
}

let stack: LocalStack
let browser: Browser

describeBrowser('the public site in a real browser (stack from npm start)', () => {
  beforeAll(async () => {
    stack = await startLocalStack(8797, SEED)
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    stack?.stop()
  })

  it('shows the instance on the home page, and reaches About by keyboard', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop })
    await page.goto(stack.url + '/')
    await page.getByTestId('instance-title').waitFor()
    expect(await page.getByTestId('instance-title').textContent()).toBe('Meadow')
    expect(await page.title()).toBe('Meadow')
    // The first Tab lands on the skip link; landmarks exist.
    await page.keyboard.press('Tab')
    // In-page code is passed as text: the test program is typed for Workers, not the DOM.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content')
    expect(await page.getByRole('banner').count()).toBe(1)
    expect(await page.locator('nav[aria-label="Main"]').count()).toBe(1)
    expect(await page.locator('main').count()).toBe(1)
    await page.getByRole('link', { name: 'About', exact: true }).click()
    await page.waitForURL(/\/about$/)
    await page.getByTestId('about-rules').waitFor()
    expect(await page.getByTestId('about-rules').locator('li').allTextContents()).toEqual(['1Be kindto every creature', '2No spam'])
    expect(await page.getByTestId('about-contact').getAttribute('href')).toBe('mailto:owner@meadow.example')
    expect(await page.getByTestId('about-registrations').textContent()).toMatch(/reviewed/)
    expect(await page.getByRole('link', { name: 'About', exact: true }).getAttribute('aria-current')).toBe('page')
    await page.close()
  })

  it('shows the local timeline, sanitized, with content warnings and alt text, paged without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(stack.url + '/')
    const cards = page.getByTestId('status')
    expect(await cards.count()).toBe(20)
    const first = cards.first()
    expect(await first.locator('summary').textContent()).toContain('Wool')
    expect(await first.locator('script').count()).toBe(0)
    expect(await first.locator('a[href^="javascript"]').count()).toBe(0)
    expect(await first.textContent()).toContain('look')
    expect(await first.locator('img[alt="A pile of fleece"]').count()).toBe(1)
    expect(await first.textContent()).toContain('Dolly the Sheep')
    await page.getByTestId('older').click()
    await page.waitForURL(/max_id=/)
    expect(await page.getByTestId('status').count()).toBe(6)
    expect(await page.getByTestId('older').count()).toBe(0)
    expect(await page.getByTestId('status').last().textContent()).toContain('Post number 1')
    await context.close()
  })

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(stack.url + '/about')
    expect(await page.getByTestId('about-rules').locator('li').count()).toBe(2)
    await context.close()
  })

  it('answers an unknown page with the 404 page', async () => {
    const page = await browser.newPage()
    const res = await page.goto(stack.url + '/no/such/page')
    expect(res?.status()).toBe(404)
    expect(await page.locator('h1').textContent()).toBe('Page not found')
    await page.close()
  })

  it('renders on phone and desktop, light and dark (screenshots in test-results/screenshots)', async () => {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport, colorScheme })
        const page = await context.newPage()
        for (const path of ['/', '/about']) {
          await page.goto(stack.url + path)
          const file = join(SCREENSHOTS, `${path === '/' ? 'home' : 'about'}-${name}-${colorScheme}.png`)
          await page.screenshot({ path: file, fullPage: true })
          // Nothing overflows sideways on a phone.
          const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
          expect([path, name, overflow]).toEqual([path, name, 0])
          const bg = String(await page.evaluate('getComputedStyle(document.body).backgroundColor'))
          expect([colorScheme, bg.startsWith('oklch(0.14')]).toEqual([colorScheme, colorScheme === 'dark'])
        }
        await context.close()
      }
    }
  })
})
