import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import type { LocalStack } from '../../scripts/local-stack'
import { browserAvailable, launchBrowser, SCREENSHOTS, startLocalStack } from '../helpers/browser'

const PORT = 8802
const enabled = browserAvailable()
const describeBrowser = enabled ? describe : describe.skip

let stack: LocalStack
let browser: Browser

describeBrowser('a new owner: sign-in, first login, consent, then the owner pages (fresh instance)', () => {
  beforeAll(async () => {
    // A new local account gets a signing key sealed under HERD_KEK, as `npm start` provides one.
    stack = await startLocalStack(PORT, [], { HERD_LOGIN: 'builtin', HERD_KEK: randomBytes(32).toString('base64') })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    stack?.stop()
  })

  it('signs in from an app, picks a username, approves the app, and manages the instance', async () => {
    const app = (await (
      await fetch(stack.url + '/api/v1/apps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Pasture', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write' }),
      })
    ).json()) as { client_id: string }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    const authorize = `/oauth/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', response_type: 'code', scope: 'read' })}`
    await page.goto(stack.url + authorize)
    // Nobody has signed in yet: the first login becomes the owner's.
    await page.waitForURL(/\/auth\/login\?return_to=/)
    expect(await page.locator('h1').textContent()).toBe('Set up the owner login')
    await page.screenshot({ path: join(SCREENSHOTS, 'login-phone-light.png'), fullPage: true })
    await page.getByLabel('Email').fill('owner@pasture.example')
    await page.getByLabel('Password').fill('correct horse battery')
    await page.getByRole('button', { name: 'Create the owner login' }).click()
    await page.waitForURL(/\/auth\/first-login/)
    await page.locator('input[name="username"]').fill('shepherd')
    await page.locator('input[name="display_name"]').fill('The Shepherd')
    await page.locator('form button[type="submit"]').click()
    // Back to the app's request: the consent page.
    await page.waitForURL(/\/oauth\/authorize\?/)
    expect(await page.getByTestId('app-name').textContent()).toBe('Pasture')
    await page.screenshot({ path: join(SCREENSHOTS, 'consent-phone-light.png'), fullPage: true })
    await page.getByRole('button', { name: /Authorize|Allow|Approve/ }).click()
    await page.waitForURL(/\/oauth\/authorize\/native/)
    const code = await page.getByTestId('oob-code').inputValue()
    const token = await fetch(stack.url + '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: (app as unknown as { client_secret: string }).client_secret, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' }),
    })
    expect(token.status).toBe(200)

    // The owner's profile page exists, and the owner pages open for them.
    await page.goto(stack.url + '/@shepherd')
    expect(await page.getByTestId('profile-name').textContent()).toBe('The Shepherd')
    await page.goto(stack.url + '/admin')
    await page.getByLabel('Server name').fill('Pasture')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByTestId('form-saved').waitFor()
    await page.goto(stack.url + '/')
    expect(await page.getByTestId('instance-title').textContent()).toBe('Pasture')
    await context.close()
  }, 120_000)
})
