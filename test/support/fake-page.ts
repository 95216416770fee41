import { runInNewContext } from 'node:vm';

type Listener = (event: unknown) => void;

/** Just enough of a DOM element for the console's script: values, text, children and click listeners. */
export class FakeElement {
  value = '';
  textContent = '';
  hidden = true;
  type = '';
  readonly dataset: Record<string, string> = {};
  readonly children: FakeElement[] = [];
  private readonly listeners = new Map<string, Listener[]>();

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }

  click(): void {
    for (const listener of this.listeners.get('click') ?? []) listener({});
  }
}

/**
 * A page's inline script run against a fake document, with the real `fetch` and a real WebSocket
 * client: what the script sends reaches the gateway, and what it shows can be read back. No
 * browser on this machine; this checks the script's behaviour, not its rendering.
 */
export class FakePage {
  readonly requests: Array<{ url: string; method: string }> = [];
  private readonly elements = new Map<string, FakeElement>();
  private readonly body = new FakeElement();

  constructor(
    private readonly html: string,
    private readonly origin: string,
    private readonly webSocket: unknown,
    private readonly path = '/console',
  ) {
    const endpoint = /<body data-endpoint="([^"]*)"/.exec(html)?.[1];
    if (endpoint !== undefined) this.body.dataset['endpoint'] = endpoint;
    // The select's first option, as a browser would start it.
    this.element('header-name').value = 'Authorization';
  }

  element(id: string): FakeElement {
    let found = this.elements.get(id);
    if (!found) this.elements.set(id, (found = new FakeElement()));
    return found;
  }

  /** Runs the page's inline scripts, in order. */
  run(): this {
    const href = `${this.origin}${this.path}`;
    const context = {
      document: { body: this.body, getElementById: (id: string) => this.element(id), createElement: () => new FakeElement() },
      location: { href, hash: new URL(href).hash },
      URL,
      WebSocket: this.webSocket,
      fetch: (input: string, init: { method?: string } & RequestInit) => {
        const url = new URL(input, href).href;
        this.requests.push({ url, method: init.method ?? 'GET' });
        return fetch(url, init);
      },
    };
    for (const match of this.html.matchAll(/<script>([\s\S]*?)<\/script>/g)) runInNewContext(match[1] ?? '', context);
    return this;
  }

  /** The examples the page offers, as clicking each one fills in the editor. */
  examples(): Array<{ title: string; query: string; variables: unknown }> {
    return this.element('examples').children.map((button) => {
      button.click();
      return { title: button.textContent, query: this.element('query').value, variables: JSON.parse(this.element('variables').value) as unknown };
    });
  }

  /** Waits until the status line matches, e.g. once an answer is shown. */
  async waitForStatus(pattern: RegExp, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.element('status').textContent)) {
      if (Date.now() > deadline) throw new Error(`status "${this.element('status').textContent}" never matched ${pattern}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
