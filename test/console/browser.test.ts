/**
 * The web console in a real browser: Debian's Chromium, headless, driven by playwright-core (no
 * browser download; scripts/install-peers.sh installs it). Against a broker fed by kafkajs it
 * opens the console, finds a topic kafkajs created, browses its messages, renders a message
 * full of HTML and script as plain text with no script run, watches a group's lag fall to zero
 * while its consumer runs, and creates a topic from the page that kafkajs then uses. Every page
 * is saved as a screenshot in docs/console/ (shown in the README), laptop and phone sizes.
 */
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { launchChromium, SHOTS } from './chromium.js';

const HOSTILE_KEY = '<img src=x onerror="window.__pwned=1">';
const HOSTILE_VALUE = '<script>window.__pwned=2</script><b>bold?</b>';
const HOSTILE_HEADER = '"><svg onload="window.__pwned=3">';

let broker: RunningBroker;
let kafka: Kafka;
let browser: Browser;
let page: Page;

async function shot(name: string, p: Page = page): Promise<void> {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  // No auto-creation: a topic kafkajs can use after the page created it exists because of the page.
  broker = await startTestBroker({ autoCreateTopics: false });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'console-browser', logLevel: logLevel.NOTHING });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => { throw err; });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await broker?.close();
});

describe('web console in Chromium', () => {
  it('shows a topic created by kafkajs and browses its messages, rendering HTML and script as text', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'shop-orders', numPartitions: 2 }, { topic: 'shop-lag', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'shop-orders',
      messages: [
        ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: `order-${i}`, value: JSON.stringify({ order: i, item: 'tea', qty: i + 1 }) })),
        { partition: 0, key: HOSTILE_KEY, value: HOSTILE_VALUE, headers: { [HOSTILE_HEADER]: HOSTILE_HEADER } },
      ],
    });
    await producer.disconnect();

    await page.goto(`${broker.httpUrl}/`);
    await page.getByRole('link', { name: 'shop-orders' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="records-shop-orders"]')?.textContent === '6');
    await shot('topics');

    await page.getByRole('link', { name: 'shop-orders' }).click();
    await page.locator('[data-testid="end-0"]').filter({ hasText: '6' }).waitFor();
    await page.locator('form[data-testid="browse"] button').click();
    const messages = page.locator('[data-testid="message"]');
    await messages.first().waitFor();
    expect(await messages.count()).toBe(6);
    // Newest first: the hostile message is on top, its fields shown character for character.
    const first = messages.first();
    expect(await first.locator('[data-testid="field-key"]').textContent()).toBe(HOSTILE_KEY);
    expect(await first.locator('[data-testid="field-value"]').textContent()).toBe(HOSTILE_VALUE);
    expect(await first.locator('[data-testid="field-header"]').textContent()).toBe(HOSTILE_HEADER);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('[data-testid="messages"] script, [data-testid="messages"] img, [data-testid="messages"] svg').count()).toBe(0);
    expect(await page.locator('[data-testid="messages"] pre *').count()).toBe(0);
    await page.locator('select[name="view"]').selectOption('json');
    expect(await messages.nth(1).locator('[data-testid="field-value"]').textContent()).toBe(JSON.stringify({ order: 4, item: 'tea', qty: 5 }, null, 2));
    await shot('messages');
    await page.locator('select[name="view"]').selectOption('hex');
    expect(await messages.nth(1).locator('[data-testid="field-key"]').textContent()).toMatch(/^000000 {2}6f 72 64 65 72 2d 34$/);
  });

  it('shows a consumer group\'s lag fall to zero while its consumer runs', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'shop-lag', messages: Array.from({ length: 40 }, (_, i) => ({ value: `event ${i}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'shop-billing', topic: 'shop-lag', partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();

    await page.goto(`${broker.httpUrl}/#/groups`);
    await page.locator('[data-testid="group-lag-shop-billing"]').filter({ hasText: '40' }).waitFor();
    await shot('groups');
    await page.getByRole('link', { name: 'shop-billing' }).click();
    await page.locator('[data-testid="group-lag"]').filter({ hasText: '40' }).waitFor();

    const consumer = kafka.consumer({ groupId: 'shop-billing' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'shop-lag' });
    let seen = 0;
    await consumer.run({ eachMessage: async () => { seen++; } });
    try {
      // The page polls; lag reaches 0 once the consumer committed all 40.
      await page.locator('[data-testid="group-lag"]').filter({ hasText: /^0$/ }).waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="group-state"]').filter({ hasText: 'Stable' }).waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="members"] td', { hasText: 'shop-lag [0]' }).waitFor();
      expect(seen).toBe(40);
      await shot('group');
    } finally {
      await consumer.disconnect();
    }
  });

  it('creates a topic from the page that kafkajs then produces to and reads', async () => {
    await page.goto(`${broker.httpUrl}/`);
    await page.locator('form[data-testid="create-topic"] input[name="name"]').fill('made-in-browser');
    await page.locator('form[data-testid="create-topic"] input[name="partitions"]').fill('3');
    await page.locator('form[data-testid="create-topic"] button').click();
    await page.getByRole('link', { name: 'made-in-browser' }).waitFor();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'made-in-browser', messages: [{ partition: 2, value: 'hello from kafkajs' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('made-in-browser');
    await admin.disconnect();
    expect(offsets.map((o) => o.high).sort()).toEqual(['0', '0', '1']);
    await page.waitForFunction(() => document.querySelector('[data-testid="records-made-in-browser"]')?.textContent === '1');

    // A bad name is refused with the broker's reason on the page, nothing created.
    await page.locator('form[data-testid="create-topic"] input[name="name"]').fill('made-in-browser');
    await page.locator('form[data-testid="create-topic"] button').click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
  });

  it('produces a test message from the page that kafkajs reads, then deletes the topic', async () => {
    await page.goto(`${broker.httpUrl}/#/topic/made-in-browser`);
    const form = page.locator('form[data-testid="produce"]');
    await form.locator('select').selectOption('1');
    await form.locator('input[name="key"]').fill('page-key');
    await form.locator('textarea[name="value"]').fill('{"from":"the page"}');
    await form.locator('input[name="header"]').fill('origin=console');
    await form.locator('button').click();
    await form.locator('.ok').filter({ hasText: 'partition 1, offset 0' }).waitFor();
    const consumer = kafka.consumer({ groupId: 'browser-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'made-in-browser', fromBeginning: true });
    const got = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ partition, message }) => {
        if (partition === 1) resolve(`${String(message.key)} ${String(message.value)} ${String(message.headers?.origin)}`);
      } });
    });
    await consumer.disconnect();
    expect(got).toBe('page-key {"from":"the page"} console');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-testid="delete-topic"]').click();
    await page.locator('[data-testid="topics"]').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="records-made-in-browser"]'));
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).not.toContain('made-in-browser');
  });

  it('is readable on a phone', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await phone.goto(`${broker.httpUrl}/`);
      await phone.getByRole('link', { name: 'shop-orders' }).waitFor();
      // Nothing wider than the screen but the tables' own scroll boxes.
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot('phone-topics', phone);
      await phone.goto(`${broker.httpUrl}/#/topic/shop-orders`);
      await phone.locator('form[data-testid="browse"] button').click();
      await phone.locator('[data-testid="message"]').first().waitFor();
      await shot('phone-messages', phone);
    } finally {
      await phone.close();
    }
  });
});
