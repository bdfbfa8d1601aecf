import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { LocalStack } from '../../scripts/local-stack'
import { browserAvailable, launchBrowser, SCREENSHOTS, startLocalStack } from '../helpers/browser'
import { ADMIN_SESSION, CSRF, CW_ID, EMOJI_ID, PICTURE_ID, THREAD_REPLY, THREAD_REPLY2, THREAD_ROOT, USER_SESSION, webSeed } from '../helpers/web-seed'

const PORT = 8801
const ORIGIN = `http://127.0.0.1:${PORT}`
const enabled = browserAvailable()
const describeBrowser = enabled ? describe : describe.skip

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 800 }

let stack: LocalStack
let browser: Browser

function cookieHeader(session: string | null): string {
  return [`herd_csrf=${CSRF}`, ...(session === null ? [] : [`herd_session=${session}`])].join('; ')
}

/** A form post exactly as a page would send it, without the page. */
function post(path: string, session: string | null, fields: Record<string, string>, csrf = CSRF): Promise<Response> {
  return fetch(stack.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(session), origin: ORIGIN },
    body: new URLSearchParams({ csrf, ...fields }),
  })
}

/** The ids of the posts on the page, top to bottom. */
async function statusIds(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid="status"]')].map((e) => e.dataset.id)`)) as string[]
}

async function signedIn(session: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  await context.addCookies([{ name: 'herd_session', value: session, url: ORIGIN }])
  return context
}

describeBrowser('the public pages, sharing and owner pages in a real browser', () => {
  beforeAll(async () => {
    stack = await startLocalStack(PORT, webSeed(ORIGIN), { HERD_LOGIN: 'builtin' })
    browser = await launchBrowser()
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    stack?.stop()
  })

  it('serves every public page, server-rendered, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    const expectations: Array<[string, string, RegExp]> = [
      ['/', 'instance-title', /Meadow/],
      ['/explore', 'page-title', /Explore/],
      ['/public', 'page-title', /everywhere/],
      ['/public/local', 'page-title', /this server/],
      ['/tags/wool', 'page-title', /#wool/],
      ['/@dolly', 'profile-name', /Dolly the Sheep/],
      ['/@dolly/with_replies', 'profile-name', /Dolly the Sheep/],
      ['/@dolly/media', 'profile-name', /Dolly the Sheep/],
      ['/@shaun@farm.example', 'profile-name', /Shaun/],
      [`/@dolly/${THREAD_REPLY2}`, 'focus', /Then come along/],
      ['/about', 'about-description', /Sheep and goats/],
      ['/search?q=dol', 'search-accounts', /Dolly the Sheep/],
    ]
    for (const [path, testid, text] of expectations) {
      const res = await page.goto(stack.url + path)
      expect([path, res?.status()]).toEqual([path, 200])
      expect([path, await page.getByTestId(testid).first().textContent()]).toEqual([path, expect.stringMatching(text)])
      // Landmarks on every page.
      expect([path, await page.getByRole('banner').count(), await page.getByRole('main').count(), await page.getByRole('contentinfo').count()]).toEqual([path, 1, 1, 1])
    }

    // The explore page: the week's hashtags are relative to now, so the seeded (older) tag is not there; active accounts are.
    await page.goto(stack.url + '/explore')
    expect(await page.getByTestId('explore-accounts').textContent()).toContain('Dolly the Sheep')
    expect(await page.getByTestId('status').count()).toBe(20)

    // Tags: the tagged post, found by its hashtag link too.
    await page.goto(stack.url + '/tags/wool')
    expect(await page.getByTestId('status').count()).toBe(1)
    // Custom emoji are images with the shortcode as alt text; the rest of the text stays text.
    const emoji = page.locator(`[data-id="${EMOJI_ID}"] img.custom-emoji`)
    expect(await emoji.getAttribute('alt')).toBe(':sheep:')
    expect(await emoji.getAttribute('src')).toBe(`${ORIGIN}/favicon.svg`)
    expect(await page.locator(`[data-id="${EMOJI_ID}"]`).textContent()).toContain('"quotes" <b>')

    // Profile tabs: posts hide replies, posts-and-replies shows them, media only posts with media.
    await page.goto(stack.url + '/@dolly')
    expect(await page.locator(`[data-id="${THREAD_REPLY2}"]`).count()).toBe(0)
    expect(await page.getByTestId('profile-counts').textContent()).toMatch(/2\s*following.*3\s*followers/)
    expect(await page.getByRole('link', { name: 'Posts', exact: true }).getAttribute('aria-current')).toBe('page')
    await page.goto(stack.url + '/@dolly/with_replies')
    expect(await page.locator(`[data-id="${THREAD_REPLY2}"]`).count()).toBe(1)
    await page.goto(stack.url + '/@dolly/media')
    expect(await statusIds(page)).toEqual([PICTURE_ID, CW_ID])
    // Profile fields: links carry rel=me.
    expect(await page.getByTestId('profile-fields').locator('a').getAttribute('rel')).toBe('me nofollow noopener noreferrer')

    // The remote account's page lists its posts here, and links to the original.
    await page.goto(stack.url + '/@shaun@farm.example')
    expect(await page.getByTestId('status').count()).toBe(0) // its only post is a reply
    expect(await page.getByRole('link', { name: 'Original profile' }).getAttribute('href')).toBe('https://farm.example/users/shaun')

    // A thread: ancestors above, the post, replies below; the remote reply's invisible URL part hidden.
    await page.goto(stack.url + `/@shaun@farm.example/${THREAD_REPLY}`)
    expect(await page.getByTestId('ancestors').getByTestId('status').getAttribute('data-id')).toBe(THREAD_ROOT)
    expect(await page.getByTestId('focus').getByTestId('status').getAttribute('data-id')).toBe(THREAD_REPLY)
    expect(await page.getByTestId('descendants').getByTestId('status').getAttribute('data-id')).toBe(THREAD_REPLY2)
    // A post under the wrong account's path goes to the right one.
    await page.goto(stack.url + `/@dolly/${THREAD_REPLY}`)
    expect(new URL(page.url()).pathname).toBe(`/@shaun@farm.example/${THREAD_REPLY}`)

    // Search: hashtags by prefix, and people by name.
    await page.goto(stack.url + '/search?q=%23wo')
    expect(await page.getByTestId('search-tags').locator('a').allTextContents()).toEqual(['#wool', '#woolly'])
    await page.goto(stack.url + '/search')
    await page.getByLabel('Search for people or hashtags').fill('shaun')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=shaun/)
    expect(await page.getByTestId('search-accounts').textContent()).toContain('@shaun@farm.example')
    await context.close()
  }, 120_000)

  it('hides content warnings and sensitive media behind details, without JavaScript, with alt text', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(stack.url + `/@dolly/${CW_ID}`)
    const card = page.getByTestId('focus')
    const cw = card.getByTestId('content-warning')
    expect(await cw.locator('summary').first().textContent()).toContain('Wool')
    expect(await cw.getAttribute('open')).toBeNull()
    expect(await card.locator('script').count()).toBe(0)
    expect(await card.locator('a[href^="javascript"]').count()).toBe(0)
    await cw.locator('summary').first().click()
    const sensitive = card.getByTestId('sensitive-media')
    expect(await sensitive.locator('img').isVisible()).toBe(false)
    await sensitive.locator('summary').click()
    expect(await sensitive.locator('img[alt="A pile of fleece"]').isVisible()).toBe(true)
    await context.close()
  })

  it('loads older posts as you scroll, and pages by links without JavaScript', async () => {
    const page = await browser.newPage({ viewport: DESKTOP })
    await page.goto(stack.url + '/public/local')
    expect(await page.getByTestId('status').count()).toBe(20)
    const first = page.url()
    // Scroll to the end, repeatedly, until the pager is gone: every post arrives, in order, with no navigation.
    for (let i = 0; i < 20 && (await page.getByTestId('older').count()) > 0; i++) {
      await page.mouse.wheel(0, 20_000)
      await page.waitForTimeout(250)
    }
    expect(await page.getByTestId('older').count()).toBe(0)
    const ids = await statusIds(page)
    expect(ids.length).toBe(30)
    expect([...ids].sort().reverse()).toEqual(ids)
    expect(await page.getByTestId('status').last().textContent()).toContain('Post number 1')
    expect(page.url()).toBe(first)
    await page.close()

    const context = await browser.newContext({ javaScriptEnabled: false })
    const plain = await context.newPage()
    await plain.goto(stack.url + '/public/local')
    await plain.getByTestId('older').click()
    await plain.waitForURL(/\/public\/local\?max_id=/)
    expect(await plain.getByTestId('status').count()).toBe(10)
    await context.close()
  })

  it('answers unknown accounts, posts and pages with the 404 page', async () => {
    const page = await browser.newPage()
    for (const path of ['/@nobody', '/@nobody/with_replies', '/@dolly/123456789012345678', '/@dolly/not-an-id', '/tags', '/no/such/page']) {
      const res = await page.goto(stack.url + path)
      expect([path, res?.status()]).toEqual([path, 404])
      expect(await page.locator('h1').textContent()).toBe('Page not found')
    }
    const bad = await page.goto(stack.url + '/public?max_id=nonsense')
    expect(bad?.status()).toBe(400)
    await page.close()
  })

  it('publishes link-preview, ActivityPub, rel=me and RSS metadata on profiles and posts', async () => {
    const page = await browser.newPage()
    const meta = async (key: string) => page.locator(`meta[property="${key}"], meta[name="${key}"]`).getAttribute('content')
    await page.goto(stack.url + '/@dolly')
    expect(await meta('og:title')).toBe('Dolly the Sheep (@dolly)')
    expect(await meta('og:description')).toBe('First of her kind & proud.')
    expect(await meta('og:image')).toBe(`${ORIGIN}/avatars/original/missing.png`)
    expect(await meta('og:url')).toBe(`${ORIGIN}/@dolly`)
    expect(await meta('twitter:card')).toBe('summary')
    expect(await page.locator('link[rel="alternate"][type="application/activity+json"]').getAttribute('href')).toBe(`${ORIGIN}/users/dolly`)
    expect(await page.locator('link[rel="alternate"][type="application/rss+xml"]').getAttribute('href')).toBe(`${ORIGIN}/@dolly.rss`)
    expect(await page.locator('link[rel="me"]').getAttribute('href')).toBe('https://dolly.example/')

    await page.goto(stack.url + `/@dolly/${PICTURE_ID}`)
    expect(await meta('og:description')).toBe('A meadow')
    expect(await meta('og:image')).toBe(`${ORIGIN}/media/dolly/meadow.png`)
    expect(await meta('og:image:alt')).toBe('Green grass under a blue sky')
    expect(await meta('og:url')).toBe(`${ORIGIN}/@dolly/${PICTURE_ID}`)
    expect(await meta('twitter:card')).toBe('summary_large_image')
    expect(await page.locator('link[rel="alternate"][type="application/activity+json"]').getAttribute('href')).toBe(`${ORIGIN}/s/picture`)
    // A post behind a content warning previews the warning, not the text, and no sensitive image.
    await page.goto(stack.url + `/@dolly/${CW_ID}`)
    expect(await meta('og:description')).toBe('Content warning: Wool')
    expect(await meta('og:image')).toBe(`${ORIGIN}/avatars/original/missing.png`)
    await page.close()
  })

  it('serves a valid RSS 2.0 feed of the latest public posts per local account', async () => {
    const res = await fetch(stack.url + '/@dolly.rss')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    const xml = await res.text()
    const page = await browser.newPage()
    await page.goto(stack.url + '/about')
    const parsed = (await page.evaluate(
      `(() => {
        const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml')
        if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent }
        const items = [...doc.querySelectorAll('channel > item')]
        return {
          root: doc.documentElement.nodeName + ' ' + doc.documentElement.getAttribute('version'),
          title: doc.querySelector('channel > title').textContent,
          items: items.length,
          first: items[0].querySelector('link').textContent,
          emoji: items.find((i) => i.querySelector('title').textContent.startsWith('Hello')).querySelector('description').textContent,
        }
      })()`,
    )) as Record<string, unknown>
    await page.close()
    expect(parsed).toEqual({
      root: 'rss 2.0',
      title: 'Dolly the Sheep',
      items: 20,
      first: `${ORIGIN}/@dolly/${PICTURE_ID}`,
      emoji: '<p>Hello :sheep: friends #Wool &amp; &quot;quotes&quot; &lt;b&gt;</p>',
    })
    expect((await fetch(stack.url + '/@shaun@farm.example.rss')).status).toBe(404)
    expect((await fetch(stack.url + '/@nobody.rss')).status).toBe(404)
  })

  it('refuses every owner action posted directly by a non-admin, a signed-out visitor, or without the CSRF token', async () => {
    const attempts: Array<[string, Record<string, string>]> = [
      ['/admin/actions/settings', { title: 'Taken over' }],
      ['/admin/actions/registration', { account_id: '500', decision: 'approve' }],
      ['/admin/actions/resolve-report', { id: 'r1' }],
      ['/admin/actions/block-domain', { domain: 'meadow.example' }],
      ['/admin/actions/unblock-domain', { domain: 'farm.example' }],
    ]
    for (const [path, fields] of attempts) {
      expect([path, (await post(path, USER_SESSION, fields)).status]).toEqual([path, 403])
      expect([path, (await post(path, null, fields)).status]).toEqual([path, 401])
      expect([path, (await post(path, ADMIN_SESSION, fields, 'x'.repeat(43))).status]).toEqual([path, 403])
    }
    // Nothing changed.
    const instance = (await (await fetch(stack.url + '/api/v1/instance')).json()) as { title: string }
    expect(instance.title).toBe('Meadow')
    expect(await (await fetch(stack.url + '/api/v1/instance/domain_blocks')).json()).toEqual([])
    // The pages too: a non-admin gets 403, a signed-out visitor is sent to sign in.
    const context = await signedIn(USER_SESSION)
    const page = await context.newPage()
    const res = await page.goto(stack.url + '/admin/reports')
    expect(res?.status()).toBe(403)
    expect(await page.getByTestId('admin-forbidden').count()).toBe(1)
    expect(await page.getByText('Spamming the meadow').count()).toBe(0)
    await context.close()
    const anon = await fetch(stack.url + '/admin', { redirect: 'manual' })
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toBe('/auth/login?return_to=%2Fadmin')
  })

  it('lets the admin manage settings, registrations, reports and domain blocks from the pages', async () => {
    const context = await signedIn(ADMIN_SESSION, { viewport: DESKTOP })
    const page = await context.newPage()
    await page.goto(stack.url + '/admin')
    await page.getByLabel('Short description').fill('The greenest meadow.')
    await page.getByLabel('Rules').fill('Be kind | to every creature\nNo spam\nNo wolves | not even in sheep clothing')
    await page.getByLabel('Open: anyone can sign up').check()
    await page.getByLabel('Thumbnail URL').fill(`${ORIGIN}/thumbnail.png`)
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByTestId('form-saved').waitFor()
    await page.goto(stack.url + '/about')
    expect(await page.getByTestId('about-rules').locator('li').count()).toBe(3)
    expect(await page.getByTestId('about-registrations').textContent()).toBe('Anyone can sign up.')
    expect(await page.getByTestId('about-thumbnail').getAttribute('src')).toBe(`${ORIGIN}/thumbnail.png`)
    // A bad value comes back as a message on the form, and changes nothing.
    await page.goto(stack.url + '/admin')
    await page.getByLabel('Server name').fill('   ')
    await page.getByRole('button', { name: 'Save settings' }).click()
    expect(await page.getByTestId('form-error').textContent()).toContain('title must be')
    expect(((await (await fetch(stack.url + '/api/v1/instance')).json()) as { title: string }).title).toBe('Meadow')

    await page.goto(stack.url + '/admin/registrations')
    expect(await page.getByTestId('pending').textContent()).toContain('I love sheep')
    await page.getByRole('button', { name: 'Approve @newbie' }).click()
    await page.getByTestId('no-pending').waitFor()

    await page.goto(stack.url + '/admin/reports')
    expect(await page.getByTestId('reports').textContent()).toContain('Spamming the meadow')
    await page.getByRole('button', { name: 'Mark resolved' }).click()
    await page.getByTestId('no-reports').waitFor()
    await page.goto(stack.url + '/admin/reports?resolved=1')
    expect(await page.getByTestId('reports').textContent()).toMatch(/resolved \d{4}-\d\d-\d\d/)

    await page.goto(stack.url + '/admin/domain-blocks')
    await page.getByLabel('Domain', { exact: true }).fill('Spam.Example')
    await page.getByLabel('Severity').selectOption('silence')
    await page.getByLabel('Public comment').fill('Spam')
    await page.getByRole('button', { name: 'Block domain' }).click()
    await page.getByTestId('blocks').waitFor()
    expect(await (await fetch(stack.url + '/api/v1/instance/domain_blocks')).json()).toEqual([expect.objectContaining({ domain: 'spam.example', severity: 'silence', comment: 'Spam' })])
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-domain-blocks-desktop-light.png'), fullPage: true })
    await page.getByRole('button', { name: 'Unblock spam.example' }).click()
    await page.waitForURL(/saved=1/)
    expect(await (await fetch(stack.url + '/api/v1/instance/domain_blocks')).json()).toEqual([])
    await context.close()
  }, 60_000)

  it('renders the pages on phone and desktop, light and dark, without sideways overflow (screenshots in test-results/screenshots)', async () => {
    const pages: Record<string, string> = {
      explore: '/explore',
      profile: '/@dolly',
      thread: `/@shaun@farm.example/${THREAD_REPLY}`,
      search: '/search?q=%23wo',
      admin: '/admin',
    }
    for (const [size, viewport] of Object.entries({ phone: PHONE, desktop: DESKTOP })) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await signedIn(ADMIN_SESSION, { viewport, colorScheme })
        const page = await context.newPage()
        for (const [name, path] of Object.entries(pages)) {
          await page.goto(stack.url + path)
          await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}-${colorScheme}.png`), fullPage: true })
          const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
          expect([name, size, overflow]).toEqual([name, size, 0])
        }
        // Keyboard: focus is visible (a ring or outline) on the first link after the skip link.
        await page.goto(stack.url + '/@dolly')
        await page.keyboard.press('Tab')
        await page.keyboard.press('Tab')
        const focus = String(await page.evaluate('(() => { const s = getComputedStyle(document.activeElement); return s.boxShadow + "|" + s.outlineStyle })()'))
        expect(focus).not.toBe('none|none')
        await context.close()
      }
    }
  }, 120_000)
})
